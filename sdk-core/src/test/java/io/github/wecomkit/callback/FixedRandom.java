package io.github.wecomkit.callback;

import java.util.Random;

/** Hands out preset bytes and nonce digits, and fails on any other draw, so vectors pin down the exact use. */
final class FixedRandom extends Random {
    private final byte[] bytes;
    private final String digits;
    private int nextDigit;

    FixedRandom(byte[] bytes, String digits) {
        this.bytes = bytes.clone();
        this.digits = digits;
    }

    @Override
    public void nextBytes(byte[] out) {
        if (out.length != bytes.length) {
            throw new AssertionError("asked for " + out.length + " random bytes, preset " + bytes.length);
        }
        System.arraycopy(bytes, 0, out, 0, out.length);
    }

    @Override
    public int nextInt(int bound) {
        if (bound != 10) {
            throw new AssertionError("nonce digits expected, got bound " + bound);
        }
        return digits.charAt(nextDigit++ % digits.length()) - '0';
    }

    @Override
    protected int next(int bits) {
        throw new AssertionError("unexpected draw from the random source");
    }
}
