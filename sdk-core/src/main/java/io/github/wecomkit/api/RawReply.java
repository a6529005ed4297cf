package io.github.wecomkit.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.wecomkit.internal.ApiReply;

/** Any WeCom answer: the whole JSON tree, with {@code errcode} and {@code errmsg} read from it. */
final class RawReply extends ApiReply {
    final JsonNode tree;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    RawReply(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            // Jackson reports this as a bad body, which ApiCaller turns into WeComDecodeException.
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode code = tree.get("errcode");
        if (code != null && !code.isNull() && !code.canConvertToInt()) {
            throw new IllegalArgumentException("errcode is not a number");
        }
        this.tree = tree;
        // Some APIs leave errcode out on success; an absent code means 0, as for every other answer.
        this.errcode = code == null || code.isNull() ? 0 : code.asInt();
        this.errmsg = tree.path("errmsg").asText("");
    }
}
