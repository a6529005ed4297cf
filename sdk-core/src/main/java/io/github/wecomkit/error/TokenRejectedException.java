package io.github.wecomkit.error;

/**
 * WeCom rejected an access token that was fetched for this very call, or moments before it (errcode 40014 or
 * 42001, or 40082/42009 for a suite token): a configuration failure, not a stale token. The usual cause is a
 * secret of an app that may not call this API, e.g. the secret of an app that is not the mini-program's own app
 * at {@code jscode2session}. wecomkit then stops fetching new tokens for a short cooldown, answering such
 * rejections at once, so a wrong secret cannot run into WeCom's rate limit and an IP ban; it tries again by
 * itself after the cooldown.
 *
 * <pre>{@code
 * catch (TokenRejectedException e) {
 *     log.error("check the secret configured for corp {}: {}", corpId, e.getMessage());
 * }
 * }</pre>
 */
public class TokenRejectedException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    /**
     * @param errcode the rejection's errcode (40014, 42001, 40082 or 42009)
     * @param errmsg  WeCom's message
     * @param api     the API that rejected the token
     * @param hint    what to check, and when wecomkit fetches a token again
     */
    public TokenRejectedException(int errcode, String errmsg, String api, String hint) {
        super(errcode, errmsg, api, hint);
    }

    /** Always {@code false}: a retry does not help until the configuration changes. */
    @Override
    public boolean retryable() {
        return false;
    }
}
