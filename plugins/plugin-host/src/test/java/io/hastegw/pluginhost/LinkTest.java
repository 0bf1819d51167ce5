package io.hastegw.pluginhost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Messages over a link come back as sent: op, id, body, and a payload sent as the tail in an array of its own; bad framing is refused. */
class LinkTest {
    /** The bytes {@code send} writes on a link, read back as one message. */
    private static Link.Message roundTrip(Link.Body body) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new Link(new ByteArrayInputStream(new byte[0]), wire, () -> { }).send(Op.DECODE, 7, body);
        return new Link(new ByteArrayInputStream(wire.toByteArray()), new ByteArrayOutputStream(), () -> { }).read();
    }

    @Test
    void aTailedPayloadComesBackAfterItsHeadInAnArrayOfItsOwn() throws IOException {
        byte[] payload = new byte[200_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        Link.Message m = roundTrip(new Link.Tailed(out -> Wire.string(out, "image/jpeg"), payload));
        assertEquals(Op.DECODE, m.op());
        assertEquals(7, m.id());
        assertEquals("image/jpeg", Wire.string(m.body()));
        assertEquals(-1, m.body().read(), "the head ends before the tail");
        assertArrayEquals(payload, m.tail());
    }

    @Test
    void aMessageWithoutATailHasAnEmptyOne() throws IOException {
        Link.Message m = roundTrip(out -> out.writeInt(42));
        assertEquals(42, m.body().readInt());
        assertEquals(0, m.tail().length);
    }

    @Test
    void aTailLongerThanItsMessageIsRefused() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);
        out.writeInt(20);
        out.writeByte(Op.DECODE.ordinal());
        out.writeInt(1);
        out.writeInt(100);
        out.write(new byte[11]);
        Link link = new Link(new ByteArrayInputStream(wire.toByteArray()), new ByteArrayOutputStream(), () -> { });
        assertEquals("tail length 100 is not valid in a message of 20 bytes", assertThrows(IOException.class, link::read).getMessage());
    }
}
