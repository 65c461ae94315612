// A strict, versioned binary format for CKKS ciphertexts, public keys, polynomials and
// decryption shares. All integers are little-endian.
//
// Header (18 bytes), common to every kind:
//   byte 0       format version, 1
//   byte 1       kind: 1 ciphertext, 2 ciphertext with seeded c1, 3 public key,
//                4 polynomial, 5 decryption share
//   bytes 2..17  the 16-byte CkksParameters.ParameterId
//
// Bodies:
//   1 ciphertext        scale (8-byte IEEE double), encoding (1 byte), c0 packed, c1 packed
//   2 seeded ciphertext scale, encoding, c0 packed, the 32-byte seed c1 is expanded from
//   3 public key        b packed modulo Q P, the 32-byte seed a is expanded from
//   4 polynomial        form (1 byte: 0 coefficient, 1 NTT), level (1 byte: 0 modulo Q,
//                       1 modulo Q P), the polynomial packed
//   5 decryption share  custodian id (uint16), participant count k (uint16), k participant
//                       ids (uint16 each, strictly ascending, the custodian among them),
//                       32-byte c1 digest, the share packed (NTT form)
//
// A packed polynomial is its rows in chain order: one per chain prime modulo Q (ciphertexts,
// decryption shares, Shamir shares of the secret), plus the special prime's row last modulo
// Q P (public keys and public key shares). Row i holds the N residues modulo q_i at
// exactly BitCount(q_i) bits each, little-endian bit order, consecutively, starting on a
// byte boundary. N is a power of two of at least 16, so N * BitCount(q_i) is always a
// multiple of 8 and rows need no padding; the reader still refuses non-zero trailing bits.
//
// Sizes at N = 8192 with three 60-bit chain primes and the 38-bit special prime that
// CkksParameters.Create(8192, [60, 60, 60]) picks (a packed polynomial is 184,320 bytes
// modulo Q, against 196,608 at 64 bits a residue, and 223,232 modulo Q P):
//   ciphertext 368,667 bytes; seeded ciphertext 184,379; public key 223,282;
//   polynomial 184,340 modulo Q, 223,252 modulo Q P; decryption share 184,374 + 2 k.
//
// Readers demand the exact length and check every field, so that two encodings of one value
// never both load, and malformed input is refused with a FormatException and nothing is
// returned (a partly unpacked polynomial is cleared first, since it may be secret). A seeded
// c1 is re-expanded on load and the seed kept, so that a seeded ciphertext serializes to the
// same bytes again.

using System.Buffers.Binary;
using System.Globalization;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// Serializes CKKS ciphertexts, public keys, polynomials and decryption shares to a compact,
/// versioned binary format, and reads it back with strict validation.
/// </summary>
/// <remarks>
/// Every residue is packed at its prime's bit width. A ciphertext from secret-key encryption
/// (<see cref="CkksEncryptor.EncryptSymmetric"/>) carries the seed of c1 instead of c1 and so
/// takes about half the bytes. Polynomials may hold secrets (a custodian's Shamir share):
/// packing and unpacking do not branch on residue values, and the caller should clear the
/// returned bytes once they are stored or sent.
/// </remarks>
public static class CkksSerializer
{
    /// <summary>The format version this class writes and the only one it reads.</summary>
    public const byte FormatVersion = 1;

    /// <summary>The size of the header common to every kind.</summary>
    public const int HeaderSize = 2 + CkksParameters.ParameterIdSize;

    private const byte KindCiphertext = 1;
    private const byte KindSeededCiphertext = 2;
    private const byte KindPublicKey = 3;
    private const byte KindPolynomial = 4;
    private const byte KindDecryptionShare = 5;

    private const byte FormCoefficient = 0;
    private const byte FormNtt = 1;

    private const byte LevelChain = 0;
    private const byte LevelKey = 1;

    // Form and level bytes follow the header of a polynomial.
    private const int PolynomialPrefixSize = HeaderSize + 2;

    private const int SeedSize = CkksCiphertext.SeedSize;
    private const int DigestSize = 32;

    // Scale (8 bytes) and encoding (1 byte) follow the header of both ciphertext kinds.
    private const int CiphertextPrefixSize = HeaderSize + 8 + 1;

    // Custodian id and participant count, two bytes each.
    private const int ShareFixedPrefixSize = HeaderSize + 4;

    /// <summary>
    /// The bytes one polynomial modulo Q (a ciphertext component) takes when packed, without
    /// any header: the sum over the chain primes of N * BitCount(q_i) / 8.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static int GetPolynomialPackedSize(CkksContext context) =>
        GetPolynomialPackedSize(context, atKeyLevel: false);

    /// <summary>
    /// The bytes one polynomial takes when packed, without any header, modulo Q or, when
    /// <paramref name="atKeyLevel"/>, modulo Q P (a public key's b).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static int GetPolynomialPackedSize(CkksContext context, bool atKeyLevel)
    {
        ArgumentNullException.ThrowIfNull(context);
        int size = 0;
        int rows = atKeyLevel ? context.KeyModulusCount : context.ModulusCount;
        for (int i = 0; i < rows; i++)
        {
            size += ResiduePacking.RowBytes(context.RingDegree, context.ModulusAt(i).BitCount);
        }

        return size;
    }

    /// <summary>
    /// The bytes <see cref="Serialize(CkksCiphertext)"/> writes for
    /// <paramref name="ciphertext"/>: with the packed c1, or with its 32-byte seed when the
    /// ciphertext has one.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="ciphertext"/> is null.</exception>
    /// <exception cref="ArgumentException">A component lives modulo Q P rather than Q.</exception>
    public static int GetSerializedSize(CkksCiphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        RequireLevel(ciphertext.C0, atKeyLevel: false, nameof(ciphertext));
        RequireLevel(ciphertext.C1, atKeyLevel: false, nameof(ciphertext));
        int packed = GetPolynomialPackedSize(ciphertext.Context);
        return CiphertextPrefixSize + packed + (IsSeeded(ciphertext) ? SeedSize : packed);
    }

    /// <summary>
    /// The bytes <see cref="Serialize(CkksCiphertext)"/> writes for a ciphertext of
    /// <paramref name="context"/> that carries its packed c1 (kind 1), as public-key
    /// encryption and addition produce.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static int GetCiphertextSize(CkksContext context) =>
        CiphertextPrefixSize + (2 * GetPolynomialPackedSize(context));

    /// <summary>
    /// Where residue <paramref name="coefficient"/> of row <paramref name="residue"/> of
    /// component <paramref name="component"/> (0 for c0, 1 for c1) lies in a ciphertext of
    /// kind 1 serialized for <paramref name="context"/>: its first bit, counted from the
    /// first byte of the serialization, and its width BitCount(q_residue). Bits are in
    /// little-endian order, as <see cref="Serialize(CkksCiphertext)"/> packs them.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public static (long BitOffset, int BitCount) LocateCiphertextResidue(
        CkksContext context, int component, int residue, int coefficient)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(component);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(component, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(residue);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(residue, context.ModulusCount);
        ArgumentOutOfRangeException.ThrowIfNegative(coefficient);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(coefficient, context.RingDegree);

        // The same walk as WritePacked: rows start on byte boundaries, one after another.
        long bytes = CiphertextPrefixSize + ((long)component * GetPolynomialPackedSize(context));
        for (int i = 0; i < residue; i++)
        {
            bytes += ResiduePacking.RowBytes(context.RingDegree, context.ModulusAt(i).BitCount);
        }

        int bits = context.ModulusAt(residue).BitCount;
        return ((8 * bytes) + ((long)coefficient * bits), bits);
    }

    /// <summary>The bytes <see cref="Serialize(CkksPublicKey)"/> writes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is null.</exception>
    /// <exception cref="ArgumentException">b does not live modulo Q P.</exception>
    public static int GetSerializedSize(CkksPublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        RequireLevel(publicKey.B, atKeyLevel: true, nameof(publicKey));
        return HeaderSize + GetPolynomialPackedSize(publicKey.Context, atKeyLevel: true)
            + SeedSize;
    }

    /// <summary>The bytes <see cref="SerializePolynomial(RnsPolynomial)"/> writes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="polynomial"/> is null.</exception>
    public static int GetSerializedSize(RnsPolynomial polynomial)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        return PolynomialPrefixSize
            + GetPolynomialPackedSize(polynomial.Context, polynomial.IsKeyLevel);
    }

    /// <summary>The bytes <see cref="Serialize(CkksDecryptionShare)"/> writes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="share"/> is null.</exception>
    /// <exception cref="ArgumentException">The share lives modulo Q P rather than Q.</exception>
    public static int GetSerializedSize(CkksDecryptionShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        RequireLevel(share.Share, atKeyLevel: false, nameof(share));
        return ShareSize(share.Share.Context, share.Participants.Count);
    }

    /// <summary>
    /// Serializes <paramref name="ciphertext"/>, as kind 2 (c1 replaced by its seed) when it
    /// carries a seed, else as kind 1.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="ciphertext"/> is null.</exception>
    /// <exception cref="ArgumentException">A component lives modulo Q P rather than Q.</exception>
    public static byte[] Serialize(CkksCiphertext ciphertext)
    {
        // Every byte is written below, so the array need not be zeroed first.
        byte[] buffer = GC.AllocateUninitializedArray<byte>(GetSerializedSize(ciphertext));
        WriteCiphertext(ciphertext, buffer);
        return buffer;
    }

    /// <summary>
    /// Serializes <paramref name="ciphertext"/> into the start of
    /// <paramref name="destination"/>.
    /// </summary>
    /// <returns>The number of bytes written, <see cref="GetSerializedSize(CkksCiphertext)"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="ciphertext"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is too short, or a component lives modulo Q P rather
    /// than Q.
    /// </exception>
    public static int Serialize(CkksCiphertext ciphertext, Span<byte> destination)
    {
        int size = GetSerializedSize(ciphertext);
        WriteCiphertext(ciphertext, Fit(destination, size));
        return size;
    }

    /// <summary>Reads a ciphertext of kind 1 or 2 written for <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The bytes are not a well-formed ciphertext for these parameters: wrong length, version,
    /// kind or parameter id, a scale that is not finite and at least 1, an unknown encoding,
    /// or a residue not below its prime.
    /// </exception>
    public static CkksCiphertext DeserializeCiphertext(CkksContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        byte kind = ReadHeader(context, data, "a ciphertext", KindCiphertext, KindSeededCiphertext);
        int packed = GetPolynomialPackedSize(context);
        bool seeded = kind == KindSeededCiphertext;
        RequireLength(
            data, CiphertextPrefixSize + packed + (seeded ? SeedSize : packed), "ciphertext");

        double scale = BinaryPrimitives.ReadDoubleLittleEndian(data.Slice(HeaderSize, 8));
        if (!double.IsFinite(scale) || scale < 1)
        {
            throw new FormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The ciphertext's scale {scale:R} is not finite and at least 1."));
        }

        var encoding = (CkksEncoding)data[HeaderSize + 8];
        if (encoding is not (CkksEncoding.Slots or CkksEncoding.Coefficients))
        {
            throw new FormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The ciphertext's encoding {(int)encoding} is unknown."));
        }

        ReadOnlySpan<byte> body = data[CiphertextPrefixSize..];
        RnsPolynomial c0 = ReadPacked(
            context, body[..packed], isNttForm: true, atKeyLevel: false, "c0");
        if (!seeded)
        {
            RnsPolynomial c1 = ReadPacked(
                context, body[packed..], isNttForm: true, atKeyLevel: false, "c1");
            return new CkksCiphertext(c0, c1, scale, encoding);
        }

        ReadOnlySpan<byte> seed = body[packed..];
        var ciphertext = new CkksCiphertext(
            c0, RingSampler.ExpandUniform(context, seed), scale, encoding);
        ciphertext.SetC1Seed(seed);
        return ciphertext;
    }

    /// <summary>Serializes <paramref name="publicKey"/>: b packed and the seed of a.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is null.</exception>
    /// <exception cref="ArgumentException">b does not live modulo Q P.</exception>
    public static byte[] Serialize(CkksPublicKey publicKey)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(GetSerializedSize(publicKey));
        WritePublicKey(publicKey, buffer);
        return buffer;
    }

    /// <summary>
    /// Serializes <paramref name="publicKey"/> into the start of
    /// <paramref name="destination"/>.
    /// </summary>
    /// <returns>The number of bytes written, <see cref="GetSerializedSize(CkksPublicKey)"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is too short, or b does not live modulo Q P.
    /// </exception>
    public static int Serialize(CkksPublicKey publicKey, Span<byte> destination)
    {
        int size = GetSerializedSize(publicKey);
        WritePublicKey(publicKey, Fit(destination, size));
        return size;
    }

    /// <summary>Reads a public key written for <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The bytes are not a well-formed public key for these parameters: wrong length,
    /// version, kind or parameter id, or a residue not below its prime.
    /// </exception>
    public static CkksPublicKey DeserializePublicKey(CkksContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ = ReadHeader(context, data, "a public key", KindPublicKey, KindPublicKey);
        int packed = GetPolynomialPackedSize(context, atKeyLevel: true);
        RequireLength(data, HeaderSize + packed + SeedSize, "public key");
        RnsPolynomial b = ReadPacked(
            context, data.Slice(HeaderSize, packed), isNttForm: true, atKeyLevel: true, "b");
        return new CkksPublicKey(b, data[(HeaderSize + packed)..]);
    }

    /// <summary>
    /// Serializes <paramref name="polynomial"/> with its form, for instance a custodian's
    /// secret Shamir share or a public key share.
    /// </summary>
    /// <remarks>When the polynomial is secret, clear the returned bytes after use.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="polynomial"/> is null.</exception>
    public static byte[] SerializePolynomial(RnsPolynomial polynomial)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(GetSerializedSize(polynomial));
        WritePolynomial(polynomial, buffer);
        return buffer;
    }

    /// <summary>
    /// Serializes <paramref name="polynomial"/> into the start of
    /// <paramref name="destination"/>.
    /// </summary>
    /// <returns>The number of bytes written, <see cref="GetSerializedSize(RnsPolynomial)"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="polynomial"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int SerializePolynomial(RnsPolynomial polynomial, Span<byte> destination)
    {
        int size = GetSerializedSize(polynomial);
        WritePolynomial(polynomial, Fit(destination, size));
        return size;
    }

    /// <summary>
    /// Reads a polynomial written for <paramref name="context"/>, in its form and at its
    /// level (modulo Q or Q P).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The bytes are not a well-formed polynomial for these parameters: wrong length,
    /// version, kind or parameter id, an unknown form or level, or a residue not below its
    /// prime.
    /// </exception>
    public static RnsPolynomial DeserializePolynomial(CkksContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ = ReadHeader(context, data, "a polynomial", KindPolynomial, KindPolynomial);

        // The level fixes the length, so the two prefix bytes are checked first.
        if (data.Length < PolynomialPrefixSize)
        {
            throw new FormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"A polynomial needs at least {PolynomialPrefixSize} bytes, " +
                    $"got {data.Length}."));
        }

        byte form = data[HeaderSize];
        if (form is not (FormCoefficient or FormNtt))
        {
            throw new FormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The polynomial's form byte {form} is neither 0 nor 1."));
        }

        byte level = data[HeaderSize + 1];
        if (level is not (LevelChain or LevelKey))
        {
            throw new FormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The polynomial's level byte {level} is neither 0 (Q) nor 1 (Q P)."));
        }

        bool atKeyLevel = level == LevelKey;
        RequireLength(
            data, PolynomialPrefixSize + GetPolynomialPackedSize(context, atKeyLevel),
            "polynomial");
        return ReadPacked(
            context, data[PolynomialPrefixSize..], form == FormNtt, atKeyLevel,
            "the polynomial");
    }

    /// <summary>Serializes a custodian's decryption share.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="share"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A custodian id is outside 1 to <see cref="CkksCommittee.MaxCustodianId"/>, the
    /// participants repeat an id, or the share lives modulo Q P: such a share could not be
    /// read back.
    /// </exception>
    public static byte[] Serialize(CkksDecryptionShare share)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(GetSerializedSize(share));
        WriteShare(share, buffer);
        return buffer;
    }

    /// <summary>
    /// Serializes a custodian's decryption share into the start of
    /// <paramref name="destination"/>.
    /// </summary>
    /// <returns>
    /// The number of bytes written, <see cref="GetSerializedSize(CkksDecryptionShare)"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="share"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is too short, a custodian id is outside 1 to
    /// <see cref="CkksCommittee.MaxCustodianId"/>, the participants repeat an id, or the
    /// share lives modulo Q P.
    /// </exception>
    public static int Serialize(CkksDecryptionShare share, Span<byte> destination)
    {
        int size = GetSerializedSize(share);
        WriteShare(share, Fit(destination, size));
        return size;
    }

    /// <summary>Reads a decryption share written for <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The bytes are not a well-formed decryption share for these parameters: wrong length,
    /// version, kind or parameter id; no participants, participants not strictly ascending,
    /// an id of 0, or a custodian not among the participants; or a residue not below its
    /// prime.
    /// </exception>
    public static CkksDecryptionShare DeserializeDecryptionShare(
        CkksContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ = ReadHeader(
            context, data, "a decryption share", KindDecryptionShare, KindDecryptionShare);

        // The participant count fixes the length, so it is read before the length is checked.
        if (data.Length < ShareFixedPrefixSize)
        {
            throw new FormatException(
                string.Create(
                CultureInfo.InvariantCulture,
                $"A decryption share needs at least {ShareFixedPrefixSize} bytes, " +
                $"got {data.Length}."));
        }

        int custodianId = BinaryPrimitives.ReadUInt16LittleEndian(data[HeaderSize..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(data[(HeaderSize + 2)..]);
        RequireLength(data, ShareSize(context, count), "decryption share");
        if (custodianId == 0)
        {
            throw new FormatException("The decryption share's custodian id is 0.");
        }

        if (count == 0)
        {
            throw new FormatException("The decryption share lists no participants.");
        }

        var participants = new int[count];
        bool includesCustodian = false;
        for (int i = 0; i < count; i++)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(
                data[(ShareFixedPrefixSize + (2 * i))..]);
            int previous = i == 0 ? 0 : participants[i - 1];
            if (id <= previous)
            {
                throw new FormatException(
                    "The decryption share's participants are not distinct, non-zero and " +
                    "strictly ascending.");
            }

            participants[i] = id;
            includesCustodian |= id == custodianId;
        }

        if (!includesCustodian)
        {
            throw new FormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The decryption share's custodian {custodianId} is not among its " +
                    $"participants."));
        }

        int digestOffset = ShareFixedPrefixSize + (2 * count);
        ReadOnlySpan<byte> digest = data.Slice(digestOffset, DigestSize);
        RnsPolynomial polynomial = ReadPacked(
            context, data[(digestOffset + DigestSize)..], isNttForm: true, atKeyLevel: false,
            "the share");
        return new CkksDecryptionShare(custodianId, participants, digest, polynomial);
    }

    private static bool IsSeeded(CkksCiphertext ciphertext) => !ciphertext.C1Seed.IsEmpty;

    private static int ShareSize(CkksContext context, int participantCount) =>
        ShareFixedPrefixSize + (2 * participantCount) + DigestSize
        + GetPolynomialPackedSize(context);

    private static Span<byte> Fit(Span<byte> destination, int size)
    {
        if (destination.Length < size)
        {
            throw new ArgumentException(
                string.Create(
                CultureInfo.InvariantCulture,
                $"The destination holds {destination.Length} bytes; " +
                $"{size} are needed."),
                nameof(destination));
        }

        return destination[..size];
    }

    private static void WriteCiphertext(CkksCiphertext ciphertext, Span<byte> destination)
    {
        bool seeded = IsSeeded(ciphertext);
        WriteHeader(
            ciphertext.Context, seeded ? KindSeededCiphertext : KindCiphertext, destination);
        BinaryPrimitives.WriteDoubleLittleEndian(
            destination.Slice(HeaderSize, 8), ciphertext.Scale);
        destination[HeaderSize + 8] = (byte)ciphertext.Encoding;
        Span<byte> body = destination[CiphertextPrefixSize..];
        int packed = GetPolynomialPackedSize(ciphertext.Context);
        WritePacked(ciphertext.C0, body[..packed]);
        if (seeded)
        {
            ciphertext.C1Seed.CopyTo(body[packed..]);
        }
        else
        {
            WritePacked(ciphertext.C1, body[packed..]);
        }
    }

    private static void WritePublicKey(CkksPublicKey publicKey, Span<byte> destination)
    {
        WriteHeader(publicKey.Context, KindPublicKey, destination);
        int packed = GetPolynomialPackedSize(publicKey.Context, atKeyLevel: true);
        WritePacked(publicKey.B, destination.Slice(HeaderSize, packed));
        publicKey.Seed.CopyTo(destination[(HeaderSize + packed)..]);
    }

    private static void WritePolynomial(RnsPolynomial polynomial, Span<byte> destination)
    {
        WriteHeader(polynomial.Context, KindPolynomial, destination);
        destination[HeaderSize] = polynomial.IsNttForm ? FormNtt : FormCoefficient;
        destination[HeaderSize + 1] = polynomial.IsKeyLevel ? LevelKey : LevelChain;
        WritePacked(polynomial, destination[PolynomialPrefixSize..]);
    }

    private static void WriteShare(CkksDecryptionShare share, Span<byte> destination)
    {
        // Checked before anything is written, so that a refused share leaves the
        // destination untouched.
        IReadOnlyList<int> participants = share.Participants;
        RequireCustodianId(share.CustodianId);
        for (int i = 0; i < participants.Count; i++)
        {
            RequireCustodianId(participants[i]);
            if (i > 0 && participants[i] <= participants[i - 1])
            {
                throw new ArgumentException(
                    "The share's participants repeat a custodian.", nameof(share));
            }
        }

        // Strictly ascending ids in [1, 65535] number at most 65535, so the count fits too.
        WriteHeader(share.Share.Context, KindDecryptionShare, destination);
        BinaryPrimitives.WriteUInt16LittleEndian(
            destination[HeaderSize..], (ushort)share.CustodianId);
        BinaryPrimitives.WriteUInt16LittleEndian(
            destination[(HeaderSize + 2)..], (ushort)participants.Count);
        for (int i = 0; i < participants.Count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(
                destination[(ShareFixedPrefixSize + (2 * i))..], (ushort)participants[i]);
        }

        int digestOffset = ShareFixedPrefixSize + (2 * participants.Count);
        share.CiphertextDigest.CopyTo(destination[digestOffset..]);
        WritePacked(share.Share, destination[(digestOffset + DigestSize)..]);
    }

    /// <summary>
    /// Refuses a polynomial at the other level than its kind stores, whose rows the reader
    /// would not expect.
    /// </summary>
    private static void RequireLevel(RnsPolynomial polynomial, bool atKeyLevel, string paramName)
    {
        if (polynomial.IsKeyLevel != atKeyLevel)
        {
            throw new ArgumentException(
                atKeyLevel
                    ? "A public key's b must live modulo Q P."
                    : "Ciphertexts and decryption shares must live modulo Q, not Q P.",
                paramName);
        }
    }

    private static void RequireCustodianId(int id)
    {
        if (id is < 1 or > CkksCommittee.MaxCustodianId)
        {
            throw new ArgumentException(
                string.Create(
                CultureInfo.InvariantCulture,
                $"The custodian id {id} is outside 1 to " +
                $"{CkksCommittee.MaxCustodianId}."),
                "share");
        }
    }

    private static void WriteHeader(CkksContext context, byte kind, Span<byte> destination)
    {
        destination[0] = FormatVersion;
        destination[1] = kind;
        context.Parameters.ParameterId.CopyTo(destination[2..HeaderSize]);
    }

    private static void WritePacked(RnsPolynomial polynomial, Span<byte> destination)
    {
        CkksContext context = polynomial.Context;
        int n = context.RingDegree;
        int offset = 0;
        for (int i = 0; i < polynomial.ModulusCount; i++)
        {
            int bits = context.ModulusAt(i).BitCount;
            int rowBytes = ResiduePacking.RowBytes(n, bits);
            ResiduePacking.Pack(polynomial.Row(i), bits, destination.Slice(offset, rowBytes));
            offset += rowBytes;
        }
    }

    /// <summary>
    /// Checks the version, the kind (one of <paramref name="kindA"/> and
    /// <paramref name="kindB"/>) and the parameter id, and returns the kind.
    /// </summary>
    private static byte ReadHeader(
        CkksContext context, ReadOnlySpan<byte> data, string expected, byte kindA, byte kindB)
    {
        if (data.Length < HeaderSize)
        {
            throw new FormatException(
                string.Create(
                CultureInfo.InvariantCulture,
                $"Expected {expected} of at least {HeaderSize} bytes, " +
                $"got {data.Length}."));
        }

        if (data[0] != FormatVersion)
        {
            throw new FormatException(
                string.Create(
                CultureInfo.InvariantCulture,
                $"Unknown CKKS serialization version {data[0]}; " +
                $"only version {FormatVersion} is supported."));
        }

        byte kind = data[1];
        if (kind != kindA && kind != kindB)
        {
            string? found = kind switch
            {
                KindCiphertext or KindSeededCiphertext => "a ciphertext",
                KindPublicKey => "a public key",
                KindPolynomial => "a polynomial",
                KindDecryptionShare => "a decryption share",
                _ => null,
            };
            throw new FormatException(
                found is null
                    ? string.Create(
                        CultureInfo.InvariantCulture, $"Unknown CKKS serialization kind {kind}.")
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"Expected {expected}, but the data hold {found} (kind {kind})."));
        }

        if (!data[2..HeaderSize].SequenceEqual(context.Parameters.ParameterId))
        {
            throw new FormatException(
                "The data were written for other CKKS parameters than the context's.");
        }

        return kind;
    }

    private static void RequireLength(ReadOnlySpan<byte> data, int expected, string what)
    {
        if (data.Length != expected)
        {
            throw new FormatException(
                string.Create(
                CultureInfo.InvariantCulture,
                $"A serialized {what} for these parameters is {expected} bytes; " +
                $"got {data.Length}."));
        }
    }

    /// <summary>
    /// Unpacks a polynomial from exactly
    /// <see cref="GetPolynomialPackedSize(CkksContext, bool)"/> bytes, or
    /// throws, after clearing what was unpacked since the polynomial may be secret.
    /// </summary>
    private static RnsPolynomial ReadPacked(
        CkksContext context, ReadOnlySpan<byte> source, bool isNttForm, bool atKeyLevel,
        string what)
    {
        var polynomial = new RnsPolynomial(context, isNttForm, atKeyLevel);
        int n = context.RingDegree;
        int offset = 0;
        bool valid = true;
        int firstInvalidRow = -1;
        for (int i = 0; i < polynomial.ModulusCount; i++)
        {
            Modulus modulus = context.ModulusAt(i);
            int rowBytes = ResiduePacking.RowBytes(n, modulus.BitCount);
            bool rowValid = ResiduePacking.TryUnpack(
                source.Slice(offset, rowBytes), modulus.BitCount, modulus.Value,
                polynomial.Row(i));
            if (!rowValid && valid)
            {
                firstInvalidRow = i;
            }

            valid &= rowValid;
            offset += rowBytes;
        }

        if (!valid)
        {
            polynomial.Clear();
            throw new FormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Row {firstInvalidRow} of {what} holds a residue that is not below " +
                    $"its prime, or non-zero padding."));
        }

        return polynomial;
    }
}
