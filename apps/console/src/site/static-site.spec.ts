import { resolveSitePath } from './static-site';

const ROOT = '/srv/console/public';

describe('what a path of the site serves', () => {
  it.each([
    ['/', { kind: 'file', path: `${ROOT}/index.html` }],
    ['/index.html', { kind: 'file', path: `${ROOT}/index.html` }],
    ['/js/app.js?v=1', { kind: 'file', path: `${ROOT}/js/app.js` }],
    ['/styles/console%20main.css', { kind: 'file', path: `${ROOT}/styles/console main.css` }],
    ['/assets/P-101', { kind: 'app' }],
    ['/work-orders', { kind: 'app' }],
    ['/api/fleet', { kind: 'not-found' }],
    ['/api', { kind: 'not-found' }],
    ['/../etc/passwd', { kind: 'not-found' }],
    ['/%2e%2e/%2e%2e/etc/passwd', { kind: 'not-found' }],
    ['/js/..%2f..%2fsecret.txt', { kind: 'not-found' }],
    ['/.env', { kind: 'not-found' }],
    ['/a%00.js', { kind: 'not-found' }],
    ['/a%5c..%5csecret.js', { kind: 'not-found' }],
    ['/%E0%A4%A', { kind: 'not-found' }],
  ])('%s', (url, expected) => {
    expect(resolveSitePath(ROOT, url)).toEqual(expected);
  });
});
