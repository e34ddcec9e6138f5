"""The public face: schedule, event and venue pages, feeds and public media.

It reads the domains' selectors and owns no models; nothing imports it."""
