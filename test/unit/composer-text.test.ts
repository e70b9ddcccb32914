// The composer's text edits (web/src/feed/composer/text-edit.ts): which @mention or #topic the
// caret is in – by the same letters the server reads names with –, inserting a pick, wrapping
// a selection as a link, and counting characters as the server's limit does.
import { expect } from 'chai';
import { charCount, LINKABLE, replaceToken, tokenAt, wrapAsLink } from '../../web/src/feed/composer/text-edit.js';
import { checkedText, namesIn } from '../../src/posts/post-text.js';

describe('composer text edits', function () {
  it('finds the mention or topic being typed, and none inside words, e-mail addresses or links', function () {
    expect(tokenAt('Hallo @ber', 10)).to.deep.equal({ kind: 'mention', query: 'ber', start: 6, end: 10 });
    expect(tokenAt('Neu: #quart', 11)).to.deep.equal({ kind: 'topic', query: 'quart', start: 5, end: 11 });
    expect(tokenAt('#', 1)).to.deep.equal({ kind: 'topic', query: '', start: 0, end: 1 });
    expect(tokenAt('Hallo @ber und', 14)).to.equal(undefined);
    expect(tokenAt('ada@example.org', 15)).to.equal(undefined);
    expect(tokenAt('https://x.example/#anker', 24)).to.equal(undefined);
    expect(tokenAt('C#', 2)).to.equal(undefined);
    // Where the composer sees a name, the server reads the same one.
    const text = 'Danke @bernd und #Quartalszahlen';
    expect(tokenAt(text, 12)?.query).to.equal(namesIn(text).mentions[0]);
  });

  it('replaces the token by the pick and one space, with the caret after it', function () {
    const token = tokenAt('Danke @ber', 10)!;
    expect(replaceToken('Danke @ber', token, '@bernd')).to.deep.equal({ text: 'Danke @bernd ', caret: 13 });
    const inside = tokenAt('Danke @ber heute', 10)!;
    expect(replaceToken('Danke @ber heute', inside, '@bernd')).to.deep.equal({ text: 'Danke @bernd heute', caret: 13 });
  });

  it('wraps the selection as a Markdown link; without one the address is the text', function () {
    expect(wrapAsLink('Das Protokoll vom Montag', 4, 13, 'https://wiki.example/p')).to.deep.equal({ text: 'Das [Protokoll](https://wiki.example/p) vom Montag', selectionStart: 39, selectionEnd: 39 });
    expect(wrapAsLink('Siehe ', 6, 6, 'https://x.example/a_(b)').text).to.equal('Siehe [https://x.example/a_(b)](https://x.example/a_%28b%29)');
    expect(wrapAsLink('[x] y', 0, 3, 'https://x.example').text).to.equal('[\\[x\\]](https://x.example) y');
    expect(LINKABLE.test('https://x.example')).to.equal(true);
    expect(LINKABLE.test('mailto:ada@example.org')).to.equal(true);
    expect(LINKABLE.test('javascript:alert(1)')).to.equal(false);
    expect(LINKABLE.test('https://')).to.equal(false);
  });

  it('counts characters as the server’s limit does (code points after NFC)', function () {
    for (const text of ['Grüße', 'Gru\u0308ße', '👍🏽 ok', 'x'.repeat(5000)]) {
      expect(() => checkedText(text, charCount(text), 'post')).not.to.throw();
      expect(() => checkedText(text, charCount(text) - 1, 'post')).to.throw(/at most/);
    }
  });
});
