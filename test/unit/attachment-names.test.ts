// The names files are saved under: what the desktop will do with a download depends on it.
import { expect } from 'chai';
import { savedName, sniffType } from '../../src/attachments/upload.js';

describe('attachment names', function () {
  it('keeps a name whose extension fits the content', function () {
    expect(savedName('Plan.png', ['png'])).to.equal('Plan.png');
    expect(savedName('Foto.JPG', ['jpg', 'jpeg'])).to.equal('Foto.JPG');
    expect(savedName('Zahlen Q3.csv', ['csv'])).to.equal('Zahlen Q3.csv');
  });

  it('appends the content’s extension when the given one does not fit', function () {
    expect(savedName('gehaltsliste.bat', ['txt', 'text'])).to.equal('gehaltsliste.bat.txt');
    expect(savedName('urlaub', ['pdf'])).to.equal('urlaub.pdf');
  });

  it('drops paths, control and invisible formatting characters (no right-to-left spoofing)', function () {
    expect(savedName('C:\\Users\\ada\\bericht.txt', ['txt'])).to.equal('bericht.txt');
    expect(savedName('../../etc/passwd', ['txt'])).to.equal('passwd.txt');
    expect(savedName('rechnung\u202Etxt.bat', ['txt'])).to.equal('rechnungtxt.bat.txt');
    expect(savedName('a\r\nb\u0000c\u200B.txt', ['txt'])).to.equal('abc.txt');
    expect(savedName('', ['txt'])).to.equal('attachment.txt');
    expect(savedName(undefined, ['png'])).to.equal('attachment.png');
  });

  it('sniffs markup as the active content it is, whatever the name says', async function () {
    expect((await sniffType(Buffer.from('<!DOCTYPE html><p>hi'), 'a.txt')).mediaType).to.equal('text/html');
    expect((await sniffType(Buffer.from('\uFEFF  <svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.png')).mediaType).to.equal('image/svg+xml');
    expect((await sniffType(Buffer.from('Zeile 1\nZeile 2'), 'notiz.csv')).mediaType).to.equal('text/csv');
    expect((await sniffType(Buffer.from([0x00, 0x01, 0x02]), 'x.txt')).mediaType).to.equal('application/octet-stream');
    expect((await sniffType(Buffer.from([0xc3, 0x28]), 'x.txt')).mediaType, 'invalid UTF-8').to.equal('application/octet-stream');
  });
});
