-- The rate limiter's table: one row per key, the counter of its current window, overwritten
-- when a new window starts.
CREATE TABLE IF NOT EXISTS rate_limits (
    key varchar NOT NULL PRIMARY KEY,
    window_start bigint NOT NULL,
    count bigint NOT NULL
);
-- down
DROP TABLE rate_limits;
