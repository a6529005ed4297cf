/**
 * Decrypting what {@code wx.qy.getEnterpriseUserInfo}, {@code wx.qy.getMobile} and {@code wx.qy.getEmail} hand
 * the mini-program, with the session key kept on the server since the login.
 *
 * <pre>{@code
 * MobileInfo mobile = client.wxQy().mobile(session, encryptedData, iv);
 * }</pre>
 */
package io.github.wecomkit.wxqy;
