// 大字版 (large text, high contrast): the header's switch turns it on and off, and the choice is
// kept in localStorage so every page opens in it. Loaded in <head> without defer so the class is
// set before the first paint: a page must not flash small text at someone who asked for large.
(function () {
  var KEY = 'gongshi-large';
  var root = document.documentElement;
  var stored = function () {
    try { return localStorage.getItem(KEY) === '1'; } catch (e) { return false; }
  };
  root.classList.toggle('large', stored());
  document.addEventListener('DOMContentLoaded', function () {
    var button = document.getElementById('mode-switch');
    if (button) {
      button.hidden = false;
      button.setAttribute('aria-pressed', String(root.classList.contains('large')));
      button.addEventListener('click', function () {
        var on = !root.classList.contains('large');
        root.classList.toggle('large', on);
        button.setAttribute('aria-pressed', String(on));
        try { localStorage.setItem(KEY, on ? '1' : '0'); } catch (e) { /* private mode: this page only */ }
      });
    }
    // A listing's filters come before its rows, folded so a phone shows the rows first; where
    // they sit beside the rows there is room to show them open.
    var filters = document.querySelector('details.filters');
    if (filters && window.matchMedia('(min-width: 60rem)').matches) filters.open = true;
  });
})();
