"""Cross-device sync: encryption, folder/WebDAV/S3 targets, the merge by natural key, push and pull."""
