package io.github.wecomkit.suite;

/**
 * Which {@code get_permanent_code} endpoint turns an auth code into a permanent code.
 *
 * <ul>
 *   <li>{@link #V1} ({@code service/get_permanent_code}) also answers the corp's first access token and its
 *       authorisation details (the agents with their agent ids and mini-program app ids, the visible range).
 *       wecomkit stores that token, so the corp's first call needs no {@code get_corp_token}.</li>
 *   <li>{@link #V2} ({@code service/v2/get_permanent_code}, WeCom 2025) is the faster answer with only the
 *       permanent code, the corp id and name, the installer and the state. It suffices when you need nothing more
 *       at install time: the code is all a corp's token needs, and
 *       {@link SuiteClient#authInfo(String)} fetches the details later.</li>
 * </ul>
 *
 * <pre>{@code
 * Installation installed = suite.install(authCode, PermanentCodeApi.V2);
 * }</pre>
 */
public enum PermanentCodeApi {
    /** {@code service/get_permanent_code}: code, corp token and authorisation details. */
    V1("service/get_permanent_code"),
    /** {@code service/v2/get_permanent_code}: code, corp id and name, installer, state. */
    V2("service/v2/get_permanent_code");

    private final String path;

    PermanentCodeApi(String path) {
        this.path = path;
    }

    String path() {
        return path;
    }
}
