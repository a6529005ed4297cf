package io.github.wecomkit.error;

/**
 * WeCom answered with a non-zero {@code errcode}. Subclasses exist where a caller reacts differently;
 * any other code, including codes wecomkit does not know, arrives as this type and keeps its code.
 *
 * <pre>{@code
 * catch (WeComApiException e) {
 *     log.warn("WeCom refused: errcode={}", e.errcode());
 * }
 * }</pre>
 *
 * @see WeComErrorCode the table of known codes
 */
public class WeComApiException extends WeComException {
    private static final long serialVersionUID = 1L;

    private final int errcode;
    private final String errmsg;
    private final String api;

    /**
     * @param errcode the code WeCom returned
     * @param errmsg  the message WeCom returned, as sent (already stripped of any credential)
     * @param api     the API path, e.g. {@code user/get}
     */
    protected WeComApiException(int errcode, String errmsg, String api) {
        super(describe(errcode, errmsg, api), null, WeComErrorCode.retryClassOf(errcode).retryable());
        this.errcode = errcode;
        this.errmsg = errmsg;
        this.api = api;
    }

    /**
     * @param errcode the code WeCom returned
     * @param errmsg  the message WeCom returned (already stripped of any credential)
     * @param api     the API path
     * @param hint    what the caller should do, appended to the message
     */
    protected WeComApiException(int errcode, String errmsg, String api, String hint) {
        super(describe(errcode, errmsg, api) + "; " + hint, null,
                WeComErrorCode.retryClassOf(errcode).retryable());
        this.errcode = errcode;
        this.errmsg = errmsg;
        this.api = api;
    }

    static String describe(int errcode, String errmsg, String api) {
        WeComErrorCode known = WeComErrorCode.find(errcode);
        String meaning = known == null ? "" : " (" + known.meaning() + ")";
        return "WeCom API call failed" + meaning + ": errcode=" + errcode + ", errmsg=" + errmsg + ", api=" + api;
    }

    /** @return the {@code errcode} WeCom returned, never 0 */
    public int errcode() {
        return errcode;
    }

    /** @return the {@code errmsg} WeCom returned; informational only, WeCom may change it */
    public String errmsg() {
        return errmsg;
    }

    /** @return the API that failed, e.g. {@code miniprogram/jscode2session} */
    public String api() {
        return api;
    }

    /** @return this code's entry in the table, if wecomkit knows it */
    public java.util.Optional<WeComErrorCode> knownCode() {
        return java.util.Optional.ofNullable(WeComErrorCode.find(errcode));
    }
}
