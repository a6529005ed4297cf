package io.github.wecomkit;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how long wecomkit retries a call that failed in a way a retry can fix: errcode -1 (system busy),
 * a connection that could not be opened, and, for calls that are safe to repeat, a reset, a timeout or a 5xx.
 * Login codes are single-use, so {@code jscode2session} is re-sent after a transport failure only when the request
 * cannot have reached WeCom. Rate limits (45009, 45033) are never retried. Backoff doubles from
 * {@link #initialBackoff()} up to {@link #maxBackoff()}, with jitter, and stops at {@link #maxElapsed()}.
 *
 * <pre>{@code
 * WeComClient.builder()
 *     .retryPolicy(RetryPolicy.builder().maxRetries(2).maxElapsed(Duration.ofSeconds(3)).build())
 * }</pre>
 */
public final class RetryPolicy {
    /** WeCom's own guidance for errcode -1 is to retry at most three times. */
    public static final int DEFAULT_MAX_RETRIES = 3;
    /** Short enough for a user waiting on a login, long enough to let a busy server breathe. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /** The cap on one wait. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);
    /** No retry starts after this much time has passed since the first attempt. */
    public static final Duration DEFAULT_MAX_ELAPSED = Duration.ofSeconds(10);

    private static final RetryPolicy DEFAULTS = builder().build();
    private static final RetryPolicy NONE = builder().maxRetries(0).build();

    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxElapsed;

    private RetryPolicy(Builder b) {
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxElapsed = b.maxElapsed;
    }

    /** @return the default policy: 3 retries, 100 ms doubling to 2 s, within 10 s */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** @return a policy that never retries */
    public static RetryPolicy none() {
        return NONE;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the most retries after the first attempt */
    public int maxRetries() {
        return maxRetries;
    }

    /** @return the wait before the first retry, before jitter */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** @return the longest single wait */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** @return the time after the first attempt past which no retry starts */
    public Duration maxElapsed() {
        return maxElapsed;
    }

    /**
     * The wait before retry number {@code retry} (1-based): half the doubled backoff plus a random half.
     *
     * @param retry  1 for the first retry
     * @param random a number in [0, 1)
     * @return the wait
     */
    public Duration backoff(int retry, double random) {
        long base = initialBackoff.toMillis() << Math.min(20, retry - 1);
        long capped = Math.min(maxBackoff.toMillis(), base);
        return Duration.ofMillis(capped / 2 + (long) (random * (capped - capped / 2)));
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", maxElapsed=" + maxElapsed + "}";
    }

    /** Builds a {@link RetryPolicy}. */
    public static final class Builder {
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration maxElapsed = DEFAULT_MAX_ELAPSED;

        private Builder() {
        }

        /**
         * @param maxRetries retries after the first attempt, 0 to 10
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > 10) {
                throw new IllegalArgumentException("maxRetries must be between 0 and 10: " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * @param initialBackoff the first wait, zero or more
         * @return this builder
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = nonNegative("initialBackoff", initialBackoff);
            return this;
        }

        /**
         * @param maxBackoff the cap on one wait, zero or more
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = nonNegative("maxBackoff", maxBackoff);
            return this;
        }

        /**
         * @param maxElapsed no retry starts after this much time since the first attempt
         * @return this builder
         */
        public Builder maxElapsed(Duration maxElapsed) {
            this.maxElapsed = nonNegative("maxElapsed", maxElapsed);
            return this;
        }

        /** @return the policy */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }

        private static Duration nonNegative(String name, Duration value) {
            Objects.requireNonNull(value, name + " == null");
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }
    }
}
