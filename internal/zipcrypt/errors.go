package zipcrypt

import "errors"

var (
	// ErrPassword means the password does not open the entry: the
	// check bytes of its encryption header do not match.
	ErrPassword = errors.New("wrong password")
	// ErrNeedPassword means the entry is encrypted and no password was
	// given.
	ErrNeedPassword = errors.New("encrypted: a password is needed")
	// ErrChecksum means the entry decrypted and decompressed to bytes
	// whose CRC-32 or AES authentication code is not the one stored:
	// damaged data, or (for traditional encryption, whose check byte
	// lets 1 wrong password in 256 through) a wrong password.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrFormat means the entry's encryption header or extra field is
	// malformed.
	ErrFormat = errors.New("malformed encrypted entry")
	// ErrUnsupported means an encryption or compression method this
	// package does not read (PKWARE strong encryption, say).
	ErrUnsupported = errors.New("unsupported")
)
