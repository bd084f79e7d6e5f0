// shoptally extension service worker. The capture, outbox and sync logic arrive with the extension
// issue; this file exists so the manifest (and its pinned key, hence the extension ID) is loadable.
"use strict";
