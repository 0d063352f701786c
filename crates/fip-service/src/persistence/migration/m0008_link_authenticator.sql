-- link_requests.authenticator: how a link request is confirmed, TOKEN (an OTP through the AA;
-- every request before this migration) or DIRECT (the customer, with the bank).
ALTER TABLE link_requests ADD COLUMN authenticator VARCHAR NOT NULL DEFAULT 'TOKEN';
-- down
ALTER TABLE link_requests DROP COLUMN authenticator;
