package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 127.0.0.1, true", "127.0.0.1, 127.0.0.2, false",
            "10.0.0.0/8, 10.255.1.2, true", "10.0.0.0/8, 11.0.0.1, false",
            "10.1.2.3/8, 10.9.9.9, true", "0.0.0.0/0, 203.0.113.9, true",
            "192.168.1.0/24, 192.168.1.255, true", "192.168.1.0/24, 192.168.2.0, false",
            "172.16.0.0/12, 172.31.255.255, true", "172.16.0.0/12, 172.32.0.0, false",
            "::1, ::1, true", "::1, 127.0.0.1, false", "fd00::/8, fd12:3456::1, true", "fd00::/8, fe80::1, false",
            "0.0.0.0/0, ::1, false", "::/0, 127.0.0.1, false"})
    void containsTheAddressesOfItsNetworkOnly(String range, String address, boolean contained) throws Exception {
        assertEquals(contained, AddressRange.parse(range).orElseThrow().contains(InetAddress.getByName(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lb.example", "localhost", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4",
            "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/ 8", "::1/129", "1::2::3",
            "fe80::1%eth0", " 10.0.0.1", "0x7f.0.0.1"})
    void refusesAnythingButAnAddressLiteralOrACidrRange(String text) {
        assertEquals(Optional.empty(), AddressRange.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "::1", "127.0.0.1"})
    void printsAsWritten(String text) {
        assertEquals(text, AddressRange.parse(text).orElseThrow().toString());
        assertTrue(AddressRange.parse(text).orElseThrow().equals(AddressRange.parse(text).orElseThrow()));
        assertFalse(AddressRange.parse(text).orElseThrow().equals(AddressRange.parse("10.9.9.9").orElseThrow()));
    }
}
