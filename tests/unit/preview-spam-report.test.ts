import { describe, expect, it } from 'vitest';
import { parseSpamReport } from '../../src/preview/spamassassin.js';

const HAM = `X-Spam-Status: No, score=0.7 required=5.0 tests=HTML_FONT_LOW_CONTRAST,
\tHTML_MESSAGE,NO_RECEIVED,NO_RELAYS autolearn=no autolearn_force=no
Subject: Week 47

<p>body</p>
Spam detection software, running on the system "vm",
has NOT identified this incoming email as spam.

Content analysis details:   (0.7 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
-0.0 NO_RECEIVED            Informational: message has no Received headers
-0.0 NO_RELAYS              Informational: message was not relayed via SMTP
 0.7 HTML_FONT_LOW_CONTRAST BODY: HTML font color similar or identical to
                            background
 0.0 HTML_MESSAGE           BODY: HTML included in message

------=_Part_1--
`;

const SPAM = `Spam detection software, running on the system "vm",
has identified this incoming email as possible spam.

Content preview:  Win money now [...]

Content analysis details:   (7.3 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
 3.5 BAYES_99               BODY: Bayes spam probability is 99 to 100%
 3.8 MONEY_NOW              Money, now
`;

describe('reading a SpamAssassin report', () => {
  it('reads the score, the threshold and every rule, joining wrapped descriptions', () => {
    expect(parseSpamReport(HAM)).toEqual({
      score: 0.7,
      required: 5,
      rules: [
        { points: -0, rule: 'NO_RECEIVED', description: 'Informational: message has no Received headers' },
        { points: -0, rule: 'NO_RELAYS', description: 'Informational: message was not relayed via SMTP' },
        {
          points: 0.7,
          rule: 'HTML_FONT_LOW_CONTRAST',
          description: 'BODY: HTML font color similar or identical to background',
        },
        { points: 0, rule: 'HTML_MESSAGE', description: 'BODY: HTML included in message' },
      ],
    });
  });

  it('reads the report SpamAssassin puts first for a message it calls spam', () => {
    expect(parseSpamReport(SPAM)).toMatchObject({
      score: 7.3,
      required: 5,
      rules: [{ rule: 'BAYES_99' }, { rule: 'MONEY_NOW', points: 3.8 }],
    });
  });

  it('finds no score in output without a report', () => {
    expect(parseSpamReport('Subject: hello\n\nbody\n')).toBeUndefined();
  });
});
