package io.github.wecomkit.message;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.github.wecomkit.internal.ApiReply;

/** {@code message/send}'s answer as parsed; callers see {@link SendResult}. */
@JsonIgnoreProperties(ignoreUnknown = true)
final class SendReply extends ApiReply {
    public String invaliduser;
    public String invalidparty;
    public String invalidtag;
    public String unlicenseduser;
    public String msgid;
}
