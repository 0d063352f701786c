-- Why the last status poll of a consent request (POST /Consent/handle) failed, for the
-- operator: the AA could not be reached, refused, or answered with a signature that did not
-- verify.
ALTER TABLE fiu_consent_requests ADD COLUMN poll_error text NULL;
-- down
ALTER TABLE fiu_consent_requests DROP COLUMN poll_error;
