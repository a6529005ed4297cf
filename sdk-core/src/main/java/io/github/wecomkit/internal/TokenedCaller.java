package io.github.wecomkit.internal;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.internal.ApiCaller.Resend;
import io.github.wecomkit.token.AccessToken;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Calls WeCom APIs that take a managed token ({@code access_token}, {@code suite_access_token}, ...): puts the
 * token in hand into the query, and when WeCom rejects it (40014/42001 for a corp token, 42009/40082 for a suite
 * token) hands the rejected token to the {@link TokenManager} and makes the call once more with the token it
 * returns. A call whose replacement token is rejected too fails with
 * {@link io.github.wecomkit.error.TokenRejectedException}: a configuration failure, not a stale token. Every area
 * of the SDK that calls WeCom with a token goes through one.
 */
public final class TokenedCaller {
    private final ApiCaller caller;
    private final TokenManager tokens;
    private final String tokenParam;
    private final IntPredicate rejection;

    /**
     * @param caller     sends the calls
     * @param tokens     the token lifecycle
     * @param tokenParam the query parameter the token goes in, e.g. {@code access_token}
     * @param rejection  the errcodes that mean "this token is no longer valid"
     */
    public TokenedCaller(ApiCaller caller, TokenManager tokens, String tokenParam, IntPredicate rejection) {
        this.caller = caller;
        this.tokens = tokens;
        this.tokenParam = tokenParam;
        this.rejection = rejection;
    }

    /** @return the caller that sends the calls (for calls that take no token) */
    public ApiCaller caller() {
        return caller;
    }

    /** @return the token lifecycle behind this caller */
    public TokenManager tokens() {
        return tokens;
    }

    /** GETs {@code api} with the token and {@code params} (name, value, ...). */
    public <T extends ApiReply> T get(String api, Resend resend, ObjectReader reader, String... params) {
        AccessToken token = tokens.token();
        try {
            return caller.get(api, resend, reader, withToken(token, params));
        } catch (WeComApiException e) {
            if (!rejection.test(e.errcode())) {
                throw e;
            }
            // The request carried a token WeCom no longer accepts; a rejected call was not processed.
            AccessToken next = tokens.tokenAfterRejection(token, e);
            try {
                return caller.get(api, resend, reader, withToken(next, params));
            } catch (WeComApiException again) {
                throw rejection.test(again.errcode()) ? tokens.rejectedAgain(next, again) : again;
            }
        }
    }

    /** POSTs the JSON {@code body} to {@code api} with the token and {@code params}. */
    public <T extends ApiReply> T post(String api, Resend resend, ObjectReader reader, byte[] body,
                                       String[] bodySecrets, String... params) {
        AccessToken token = tokens.token();
        try {
            return caller.post(api, resend, reader, body, bodySecrets, withToken(token, params));
        } catch (WeComApiException e) {
            if (!rejection.test(e.errcode())) {
                throw e;
            }
            AccessToken next = tokens.tokenAfterRejection(token, e);
            try {
                return caller.post(api, resend, reader, body, bodySecrets, withToken(next, params));
            } catch (WeComApiException again) {
                throw rejection.test(again.errcode()) ? tokens.rejectedAgain(next, again) : again;
            }
        }
    }

    private String[] withToken(AccessToken token, String... params) {
        String[] all = Arrays.copyOf(new String[] {tokenParam, token.value()}, params.length + 2);
        System.arraycopy(params, 0, all, 2, params.length);
        return all;
    }
}
