-- link_requests.authenticator: how the FIP said a link request is confirmed (the
-- `AuthenticatorType` of its `/Accounts/link` answer): TOKEN, an OTP the customer gives the AA
-- for `/Accounts/link/verify` (every request before this migration), or DIRECT, the customer
-- confirms with the bank and the FIP tells the AA with `/Account/link/Notification`.
ALTER TABLE link_requests ADD COLUMN authenticator VARCHAR NOT NULL DEFAULT 'TOKEN';
-- down
ALTER TABLE link_requests DROP COLUMN authenticator;
