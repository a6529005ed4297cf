package io.github.wecomkit.error;

import java.util.Set;

/**
 * {@code jscode2session} answered with a corp this client does not serve, or a corp was named that a
 * {@link io.github.wecomkit.corp.WeComCorps} registry does not know. The member belongs to {@link #corpId()}.
 * With one mini-program bound to several corps, a registry throws the subclass {@link ReloginRequiredException}
 * when it serves that corp: the mini-program logs in again and the new code is exchanged with that corp's
 * credentials (codes are single-use).
 *
 * <pre>{@code
 * catch (ReloginRequiredException e) {
 *     return relogin(e.corpId());          // a corp this backend serves: log in again against it
 * } catch (CorpMismatchException e) {
 *     return notServed(e.corpId());
 * }
 * }</pre>
 */
public class CorpMismatchException extends WeComException {
    private static final long serialVersionUID = 1L;

    private final String corpId;
    private final Set<String> expectedCorpIds;

    /**
     * @param corpId          the corp id WeCom returned
     * @param expectedCorpIds the corp ids this client accepts
     */
    public CorpMismatchException(String corpId, Set<String> expectedCorpIds) {
        this("login returned a corp this client does not serve; log in again against that corp: corpid="
                + corpId + ", expected=" + expectedCorpIds, corpId, expectedCorpIds);
    }

    /**
     * @param message         what happened, ending with the corp ids (never a code or a secret)
     * @param corpId          the corp id WeCom returned
     * @param expectedCorpIds the corp ids the caller accepts
     */
    protected CorpMismatchException(String message, String corpId, Set<String> expectedCorpIds) {
        super(message, null, false);
        this.corpId = corpId;
        this.expectedCorpIds = Set.copyOf(expectedCorpIds);
    }

    /** @return the corp id WeCom returned for the login code */
    public String corpId() {
        return corpId;
    }

    /** @return the corp ids this client accepts */
    public Set<String> expectedCorpIds() {
        return expectedCorpIds;
    }
}
