"""The write path: capture or file -> sources -> planned rows -> the one writer."""
