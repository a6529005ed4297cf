package io.github.wecomkit.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** Checks on builder options shared by the clients' builders. Messages name the option. */
public final class Options {
    private Options() {
    }

    /**
     * @param name    the option
     * @param baseUrl an absolute http(s) URL without query or fragment
     * @return the URL without a trailing slash
     * @throws IllegalArgumentException if it is not such a URL
     */
    public static String baseUrl(String name, String baseUrl) {
        Inputs.require(name, baseUrl);
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URI: " + baseUrl, e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URL: " + baseUrl);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(name + " must not have a query or fragment: " + baseUrl);
        }
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** @return {@code value}, if it is longer than zero */
    public static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name + " == null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    /** @return {@code value}, if it is not negative */
    public static Duration nonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name + " == null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }
}
