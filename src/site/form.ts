/**
 * Form bodies as the site's pages and mail receivers post them. A sign-up is under a hundred
 * bytes, a one-click body 26, a multipart one a few hundred: anything far larger is refused
 * before it is read (`MAX_BODY_BYTES`) and never parsed.
 */
export const MAX_BODY_BYTES = 8 * 1024;

/**
 * Whether a POST body asks to unsubscribe: it carries the field `List-Unsubscribe=One-Click`, the
 * key/value pair of the `List-Unsubscribe-Post` header, form-urlencoded or as multipart/form-data
 * (the two encodings RFC 8058 §3.1 allows). Other fields may come with it; case and white space
 * around the key and value are forgiven.
 *
 * @example
 * isOneClickBody('List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded') // true
 * isOneClickBody('') // false
 */
export function isOneClickBody(body: string, contentType = ''): boolean {
  return formFields(body, contentType).some(
    ([key, value]) =>
      key.trim().toLowerCase() === 'list-unsubscribe' && value.trim().toLowerCase() === 'one-click',
  );
}

/**
 * The fields of a form body, form-urlencoded or multipart/form-data; none for a body over
 * `MAX_BODY_BYTES`.
 *
 * @example
 * formFields('email=ana%40example.org&name=Ana') // [['email', 'ana@example.org'], ['name', 'Ana']]
 */
export function formFields(body: string, contentType = ''): [string, string][] {
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return [];
  return /^\s*multipart\/form-data/i.test(contentType)
    ? multipartFields(body, contentType)
    : [...new URLSearchParams(body.trim())];
}

/** The value of a field (the first, when it comes twice), or undefined. */
export function fieldValue(fields: [string, string][], name: string): string | undefined {
  return fields.find(([key]) => key.trim().toLowerCase() === name)?.[1];
}

/** The named text fields of a multipart/form-data body (RFC 7578); files and unnamed parts are skipped. */
function multipartFields(body: string, contentType: string): [string, string][] {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (!delimiter) return [];
  return body
    .split(`--${delimiter}`)
    .slice(1)
    .flatMap((part): [string, string][] => {
      const end = /\r?\n\r?\n/.exec(part);
      if (!end) return [];
      const headers = part.slice(0, end.index);
      const name = /^content-disposition:\s*form-data\s*;(?:[^\r\n]*;)?\s*name="([^"]*)"/im.exec(headers);
      if (!name || /\bfilename=/i.test(headers)) return [];
      return [[name[1] ?? '', part.slice(end.index + end[0].length).replace(/\r?\n$/, '')]];
    });
}
