package io.github.wecomkit.error;

import java.util.Set;

/**
 * The member logged in belongs to {@link #corpId()}, another corp of the same mini-program that this backend
 * serves: the code was exchanged with another corp's credentials. Codes are single-use, so the backend answers
 * the mini-program "log in again against {@code corpId()}"; the mini-program calls {@code wx.qy.login} again and
 * sends the new code with that corp id, and the backend exchanges it with that corp's credentials.
 *
 * <pre>{@code
 * try {
 *     session = corps.login(code);
 * } catch (ReloginRequiredException e) {
 *     return httpConflict(Map.of("error", "relogin", "corpId", e.corpId()));
 * } catch (CorpMismatchException e) {
 *     return httpForbidden("this mini-program does not serve your corp");
 * }
 * }</pre>
 *
 * <p>A subclass of {@link CorpMismatchException}, so code that handles a foreign corp keeps working; catch this
 * one first where the relogin is offered.
 */
public class ReloginRequiredException extends CorpMismatchException {
    private static final long serialVersionUID = 1L;

    private final String exchangedWith;

    /**
     * @param corpId        the member's corp, which the backend serves: log in again against it
     * @param exchangedWith the corp whose credentials exchanged the code
     */
    public ReloginRequiredException(String corpId, String exchangedWith) {
        super("the member belongs to another corp this backend serves; call wx.qy.login again and exchange the"
                + " new code with that corp's credentials: corpid=" + corpId + ", exchangedWith=" + exchangedWith,
                corpId, Set.of(exchangedWith));
        this.exchangedWith = exchangedWith;
    }

    /** @return the corp whose credentials exchanged the code */
    public String exchangedWith() {
        return exchangedWith;
    }
}
