/** A one-click body is 26 bytes, a multipart one a few hundred: anything far larger is not one. */
const MAX_BODY_CHARS = 8 * 1024;

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
  if (body.length > MAX_BODY_CHARS) return false;
  const fields = /^\s*multipart\/form-data/i.test(contentType)
    ? multipartFields(body, contentType)
    : [...new URLSearchParams(body.trim())];
  return fields.some(
    ([key, value]) =>
      key.trim().toLowerCase() === 'list-unsubscribe' && value.trim().toLowerCase() === 'one-click',
  );
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
