// Post text rendered for readers: Markdown yes; raw HTML, script URLs and data: URLs no.
import { expect } from 'chai';
import { renderMarkdown } from '../../src/posts/markdown.js';

describe('post Markdown', function () {
  it('renders emphasis, lists and line breaks', function () {
    expect(renderMarkdown('**fett** und _kursiv_\nneue Zeile\n\n- eins\n- zwei')).to.equal('<p><strong>fett</strong> und <em>kursiv</em><br>\nneue Zeile</p>\n<ul>\n<li>eins</li>\n<li>zwei</li>\n</ul>\n');
  });

  it('shows raw HTML as text', function () {
    const html = renderMarkdown('<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)" onclick="x()">x</a>');
    expect(html).to.not.match(/<script|<img|onclick="|href="javascript/);
    expect(html).to.include('&lt;script&gt;').and.include('&lt;a href=');
  });

  it('links http(s) and mailto with rel="noopener noreferrer", and nothing else', function () {
    const html = renderMarkdown('[a](https://intranet.acme.de/x?y=1) [b](mailto:it@acme.de) [c](javascript:alert(1)) [d](data:text/html,hi) [e](vbscript:x) [f](file:///etc/passwd) [g](/relative) and bare https://www.acme.de/news');
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).to.deep.equal(['https://intranet.acme.de/x?y=1', 'mailto:it@acme.de', 'https://www.acme.de/news']);
    expect(html.match(/<a /g)).to.have.length(3);
    expect(html.match(/rel="noopener noreferrer nofollow"/g)).to.have.length(3);
  });

  it('does not embed images, not even from the web', function () {
    expect(renderMarkdown('![Bild](https://x.de/a.png)')).to.not.include('<img');
  });
});
