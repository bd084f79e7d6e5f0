// Fills [data-i18n] elements from _locales (the browser's language picks English or 简体中文).
"use strict";
function t(key, subs) {
  return (chrome.i18n && chrome.i18n.getMessage(key, subs)) || key;
}
function localize(root) {
  for (const el of (root || document).querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.documentElement.lang = chrome.i18n.getUILanguage();
}
