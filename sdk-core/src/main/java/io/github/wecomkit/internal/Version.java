package io.github.wecomkit.internal;

/** The SDK's identity on the wire. */
public final class Version {
    public static final String VERSION = "0.1.0";
    public static final String USER_AGENT = "wecomkit/" + VERSION + " (Java " + Runtime.version().feature() + ")";

    private Version() {
    }
}
