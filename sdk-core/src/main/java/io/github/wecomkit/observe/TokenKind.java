package io.github.wecomkit.observe;

/** Which of WeCom's tokens an event is about. */
public enum TokenKind {
    /** A corp's {@code access_token} ({@code gettoken}, or {@code service/get_corp_token} for a provider). */
    CORP,
    /** A provider's {@code suite_access_token}. */
    SUITE,
    /** A provider's {@code provider_access_token}. */
    PROVIDER
}
