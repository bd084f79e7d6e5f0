"""Schema version 8: no kept capture holds credentials (issue #13 item 5).

Captures arriving are scrubbed on the way in; those kept by an older version may still hold user:pass@ in
URLs, tokens, secrets and signatures in query parameters or the request body, and cookie or authorization
headers. Every raw capture's `url` column, and for a capture message (encoding "frame") its URL and
`payload.request` (URL, headers, body), are scrubbed with the rule captures arriving get
(`companion.sources.urls.scrub_message`, through `companion.store.captures.scrubbed`); `size` and `sha256` stay
those of the message as kept. A capture that holds no credential is not written (byte for byte as it was), so
running it again changes nothing. Read a batch of rows at a time by id (payloads never all in memory).
"""

import logging

from companion.store.captures import scrubbed

BATCH = 200

log = logging.getLogger("companion.store.migrations")


def up(migrator, db):
    p = db.param
    last, changed = 0, 0
    while True:
        rows = db.execute_sql(
            f'SELECT "id", "encoding", "url", CASE WHEN "encoding" = {p} THEN "payload" END FROM "raw_capture" '
            f'WHERE "id" > {p} ORDER BY "id" LIMIT {BATCH}', ["frame", last]).fetchall()
        if not rows:
            break
        for row_id, encoding, url, payload in rows:
            clean = scrubbed(encoding, url, payload)
            if clean is None:
                continue
            changed += 1
            if clean.payload is None:
                db.execute_sql(f'UPDATE "raw_capture" SET "url" = {p} WHERE "id" = {p}', [clean.url, row_id])
            else:
                db.execute_sql(f'UPDATE "raw_capture" SET "url" = {p}, "size" = {p}, "sha256" = {p}, "payload" = {p} '
                               f'WHERE "id" = {p}', [clean.url, clean.size, clean.sha256, clean.payload, row_id])
        last = rows[-1][0]
    if changed:
        log.info("credentials dropped from %d kept captures", changed)
