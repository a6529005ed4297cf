package io.github.wecomkit.error;

import java.util.Set;

/**
 * {@code jscode2session} answered with a corp this client does not serve. The member belongs to
 * {@link #corpId()}: with one mini-program bound to several corps, the backend tells the mini-program to run
 * {@code wx.qy.login} again and exchanges the new code with that corp's credentials (codes are single-use).
 *
 * <pre>{@code
 * catch (CorpMismatchException e) {
 *     return relogin(e.corpId());
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
        super("login returned a corp this client does not serve; log in again against that corp: corpid="
                + corpId + ", expected=" + expectedCorpIds, null, false);
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
