package io.github.wecomkit.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The part every WeCom JSON answer shares. Each area's answer types extend it; {@link ApiCaller} reads
 * {@code errcode} to decide between a result and an exception.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ApiReply {
    /** Absent on some successful answers (get_suite_token, get_corp_token), hence the default 0. */
    public int errcode;
    public String errmsg;
}
