package io.github.wecomkit.error;

/**
 * WeCom answered errcode -1 (system busy) and the retries allowed by the client's retry policy were used up.
 *
 * <pre>{@code
 * catch (SystemBusyException e) {
 *     int code = e.errcode(); // -1
 * }
 * }</pre>
 */
public class SystemBusyException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    SystemBusyException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
