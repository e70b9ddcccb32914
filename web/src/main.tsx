// Entry point: set the document language from the browser's preference, then render.
import { render } from 'preact';
import { lang } from './i18n.js';
import { App } from './app.js';
import './styles.css';

document.documentElement.lang = lang;
render(<App />, document.getElementById('app')!);
