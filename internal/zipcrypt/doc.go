// Package zipcrypt reads and writes the encrypted entries of ZIP
// archives, which archive/zip cannot open: traditional PKWARE encryption
// (APPNOTE.TXT section 6.1, "ZipCrypto") and WinZip AES (AE-1 and AE-2,
// compression method 99), written from their public specifications.
// archive/zip still reads the archive's structure; Open decrypts,
// decompresses and checks one entry.
//
// Microsoft's hotfix download service delivered packages as
// self-extracting ZIP files whose entries were encrypted with a password
// sent by e-mail: this package is what lets msikit open them.
package zipcrypt
