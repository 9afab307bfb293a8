package record

import (
	"encoding/asn1"
	"errors"
	"strconv"
	"unicode/utf16"
)

// trustStore writes certificates as a PKCS#12 trust store (RFC 7292) that
// the JVM loads as javax.net.ssl.trustStore: one unencrypted certificate bag
// per certificate, each with the JDK's trusted-key-usage attribute (OID
// 2.16.840.1.113894.746875.1.1, "trusted for any purpose"), which is how
// keytool marks a trusted certificate entry, and a friendlyName (the alias).
// It holds no key, so there is nothing to encrypt and no integrity MAC: the
// JDK reads a store without macData (password or not).
//
// The DER is written in one pass into a buffer of its exact size, lengths
// computed first: with a distribution's ~150 roots, building it through
// encoding/asn1 (or any builder that copies each level) was most of the
// recorder's start-up.
func trustStore(certs [][]byte) ([]byte, error) {
	aliases := make([][]byte, len(certs))
	bags := 0
	for i, der := range certs {
		aliases[i] = bmpString("azrepl-record-" + strconv.Itoa(i))
		bags += tlv(bagLen(len(der), len(aliases[i])))
	}
	safeContents := tlv(bags)
	inner := tlv(len(oidDataDER) + tlv(tlv(safeContents)))
	authSafe := tlv(inner)
	outer := tlv(len(oidDataDER) + tlv(tlv(authSafe)))
	pfx := len(version3) + outer
	if tlv(pfx) > maxDER {
		return nil, errors.New("too many certificates for one trust store")
	}
	b := make([]byte, 0, tlv(pfx))
	b = appendHeader(b, tagSequence, pfx)
	b = append(b, version3...)
	b = appendDataContentInfo(b, authSafe)
	b = appendHeader(b, tagSequence, inner) // AuthenticatedSafe: one ContentInfo
	b = appendDataContentInfo(b, safeContents)
	b = appendHeader(b, tagSequence, bags) // SafeContents
	for i, der := range certs {
		b = appendBag(b, der, aliases[i])
	}
	return b, nil
}

// bagLen is the content length of the SafeBag appendBag writes.
func bagLen(der, alias int) int {
	certBag := tlv(len(oidX509CertificateDER) + tlv(tlv(der)))
	return len(oidCertBagDER) + tlv(certBag) + tlv(len(usageAttributeDER)+tlv(nameAttrLen(alias)))
}

func nameAttrLen(alias int) int { return len(oidFriendlyNameDER) + tlv(tlv(alias)) }

// appendBag writes SafeBag { certBag, [0] CertBag { x509Certificate, [0]
// OCTET STRING der }, SET { usage, friendlyName } }. The attributes are in
// DER's SET OF order: the usage's encoding is the shorter.
func appendBag(b, der, alias []byte) []byte {
	octets := tlv(len(der))
	certBag := len(oidX509CertificateDER) + tlv(octets)
	name := nameAttrLen(len(alias))
	b = appendHeader(b, tagSequence, bagLen(len(der), len(alias)))
	b = append(b, oidCertBagDER...)
	b = appendHeader(b, tagExplicit0, tlv(certBag))
	b = appendHeader(b, tagSequence, certBag)
	b = append(b, oidX509CertificateDER...)
	b = appendHeader(b, tagExplicit0, octets)
	b = appendHeader(b, tagOctetString, len(der))
	b = append(b, der...)
	b = appendHeader(b, tagSet, len(usageAttributeDER)+tlv(name))
	b = append(b, usageAttributeDER...)
	b = appendHeader(b, tagSequence, name)
	b = append(b, oidFriendlyNameDER...)
	b = appendHeader(b, tagSet, tlv(len(alias)))
	b = appendHeader(b, tagBMPString, len(alias))
	return append(b, alias...)
}

// appendDataContentInfo writes the header of a PKCS#7 data ContentInfo
// whose OCTET STRING holds n bytes, which the caller writes next.
func appendDataContentInfo(b []byte, n int) []byte {
	b = appendHeader(b, tagSequence, len(oidDataDER)+tlv(tlv(n)))
	b = append(b, oidDataDER...)
	b = appendHeader(b, tagExplicit0, tlv(n))
	return appendHeader(b, tagOctetString, n)
}

const (
	tagOctetString = 0x04
	tagBMPString   = 0x1e // PKCS#9 friendlyName is a BMPString
	tagSequence    = 0x30
	tagSet         = 0x31
	tagExplicit0   = 0xa0
	maxDER         = 1 << 31 // lengths are written in at most four bytes
)

// tlv is the size of a DER element with n bytes of content.
func tlv(n int) int {
	switch {
	case n < 0x80:
		return 2 + n
	case n < 0x100:
		return 3 + n
	case n < 0x10000:
		return 4 + n
	case n < 0x1000000:
		return 5 + n
	}
	return 6 + n
}

// appendHeader writes a DER tag and the definite length n in its shortest form.
func appendHeader(b []byte, tag byte, n int) []byte {
	b = append(b, tag)
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n < 0x100:
		return append(b, 0x81, byte(n))
	case n < 0x10000:
		return append(b, 0x82, byte(n>>8), byte(n))
	case n < 0x1000000:
		return append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

var (
	oidData                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidCertBag             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Certificate     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidFriendlyName        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidJavaTrustedKeyUsage = asn1.ObjectIdentifier{2, 16, 840, 1, 113894, 746875, 1, 1}
	oidAnyExtendedKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37, 0}

	oidDataDER            = mustMarshal(oidData)
	oidCertBagDER         = mustMarshal(oidCertBag)
	oidX509CertificateDER = mustMarshal(oidX509Certificate)
	oidFriendlyNameDER    = mustMarshal(oidFriendlyName)
	version3              = mustMarshal(3)
	// usageAttributeDER is the same in every bag: SEQUENCE { the JDK's
	// trusted key usage, SET { anyExtendedKeyUsage } }.
	usageAttributeDER = mustMarshal(struct {
		ID     asn1.ObjectIdentifier
		Values []asn1.ObjectIdentifier `asn1:"set"`
	}{oidJavaTrustedKeyUsage, []asn1.ObjectIdentifier{oidAnyExtendedKeyUsage}})
)

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// bmpString is s in UTF-16 big-endian.
func bmpString(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}
