package record

import (
	"encoding/asn1"
	"fmt"
	"unicode/utf16"
)

// trustStore writes certificates as a PKCS#12 trust store (RFC 7292) that
// the JVM loads as javax.net.ssl.trustStore: one unencrypted certificate bag
// per certificate, each with a friendlyName (the alias) and the JDK's
// trusted-key-usage attribute (OID 2.16.840.1.113894.746875.1.1, "trusted for
// any purpose"), which is how keytool marks a trusted certificate entry. It
// holds no key, so there is nothing to encrypt and no integrity MAC: the JDK
// reads a store without macData (password or not).
func trustStore(certs [][]byte, _ string) ([]byte, error) {
	var bags []safeBag
	for i, der := range certs {
		certBagDER, err := asn1.Marshal(certBag{ID: oidX509Certificate, Value: der})
		if err != nil {
			return nil, err
		}
		name, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: 30, Bytes: bmpString(fmt.Sprintf("azrepl-record-%d", i)).bytes()})
		if err != nil {
			return nil, err
		}
		usage, err := asn1.Marshal(oidAnyExtendedKeyUsage)
		if err != nil {
			return nil, err
		}
		bags = append(bags, safeBag{
			ID:    oidCertBag,
			Value: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: certBagDER},
			Attributes: []attribute{
				{ID: oidFriendlyName, Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: name}},
				{ID: oidJavaTrustedKeyUsage, Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: usage}},
			},
		})
	}
	safeContents, err := asn1.Marshal(bags)
	if err != nil {
		return nil, err
	}
	inner, err := dataContentInfo(safeContents)
	if err != nil {
		return nil, err
	}
	authSafe, err := asn1.Marshal([]asn1.RawValue{{FullBytes: inner}})
	if err != nil {
		return nil, err
	}
	outer, err := dataContentInfo(authSafe)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(pfx{Version: 3, AuthSafe: asn1.RawValue{FullBytes: outer}})
}

var (
	oidData                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidCertBag             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Certificate     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidFriendlyName        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidJavaTrustedKeyUsage = asn1.ObjectIdentifier{2, 16, 840, 1, 113894, 746875, 1, 1}
	oidAnyExtendedKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
)

type pfx struct {
	Version  int
	AuthSafe asn1.RawValue
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // [0] EXPLICIT, built by dataContentInfo
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue
	Attributes []attribute `asn1:"set"`
}

type certBag struct {
	ID    asn1.ObjectIdentifier
	Value []byte `asn1:"explicit,tag:0"`
}

type attribute struct {
	ID     asn1.ObjectIdentifier
	Values asn1.RawValue
}

// dataContentInfo wraps content as a PKCS#7 data ContentInfo.
func dataContentInfo(content []byte) ([]byte, error) {
	octets, err := asn1.Marshal(content)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(contentInfo{ContentType: oidData,
		Content: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: octets}})
}

// bmpString is UTF-16 big-endian, as PKCS#9 friendlyName is encoded.
type bmpString string

func (s bmpString) bytes() []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(string(s))) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}
