// Negacyclic number-theoretic transform over Z_q[X]/(X^N + 1), after Longa and Naehrig
// 2016 (CANS 2016): the forward transform is a Cooley-Tukey network on psi powers in
// bit-reversed order (natural-order input, bit-reversed output), the inverse a
// Gentleman-Sande network that undoes it with N^-1 folded into its last stage.
// Butterflies use Shoup products and Harvey's lazy reduction (Harvey 2014, "Faster
// arithmetic for number-theoretic transforms", J. Symb. Comp. 60): forward values stay
// in [0, 4q), inverse values in [0, 2q), which q < 2^61 keeps far from 2^64. Outputs are
// fully reduced. N is a power of two in [16, 32768]; each transform costs
// (N/2) log2 N butterflies.
//
// As in Microsoft SEAL's DWTHandler (seal/util/dwthandler.h), the stages with small t get
// their own loops (here t = 1 and 2, with the final reduction fused into the last forward
// stage). The AVX2 path runs four butterflies per Vector256<ulong>; AVX2 has no
// 64x64 -> 128 multiply, so products are built from 32x32 -> 64 vpmuludq partial products,
// as Intel HEXL does on AVX-512DQ (Boemer et al. 2021, "Intel HEXL: Accelerating
// Homomorphic Encryption with Intel AVX512-IFMA52", WAHC '21). Like HEXL's approximate
// high product, its Shoup quotient drops the low carries, an error of at most two that
// one extra masked subtraction absorbs.

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// In-place negacyclic NTT of polynomials in Z_q[X]/(X^N + 1). A product of polynomials
/// is the inverse transform of the coefficient-wise product of their transforms.
/// </summary>
/// <remarks>
/// The transform never branches on coefficient values, which may be secret.
/// The evaluation order is bit-reversed; only products and sums of transformed
/// polynomials, not the order of their entries, should be relied on.
/// </remarks>
public static class Ntt
{
    /// <summary>
    /// Whether <see cref="ForwardCore(Span{ulong}, NttTables)"/> and
    /// <see cref="InverseCore(Span{ulong}, NttTables)"/> take the AVX2 path. It is only
    /// on where the CPU has AVX2, and measured faster than the scalar path there.
    /// </summary>
    internal static readonly bool UseAvx2 = Avx2.IsSupported;

    /// <summary>
    /// Replaces the coefficients in <paramref name="values"/> by their evaluations at the
    /// odd powers of psi, in bit-reversed order.
    /// </summary>
    /// <param name="values">N coefficients, each below q.</param>
    /// <param name="tables">The tables for this ring degree and prime.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tables"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The span is not N long, or a coefficient is not below q.
    /// </exception>
    public static void Forward(Span<ulong> values, NttTables tables)
    {
        Validate(values, tables);
        ForwardCore(values, tables);
    }

    /// <summary>
    /// Undoes <see cref="Forward"/>: replaces evaluations in bit-reversed order by the
    /// coefficients of the polynomial they came from.
    /// </summary>
    /// <param name="values">N evaluations, each below q.</param>
    /// <param name="tables">The tables for this ring degree and prime.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tables"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The span is not N long, or a value is not below q.
    /// </exception>
    public static void Inverse(Span<ulong> values, NttTables tables)
    {
        Validate(values, tables);
        InverseCore(values, tables);
    }

    /// <summary>Forward transform without value checks; inputs must be below q.</summary>
    internal static void ForwardCore(Span<ulong> values, NttTables tables) =>
        ForwardCore(values, tables, UseAvx2);

    /// <summary>Inverse transform without value checks; inputs must be below q.</summary>
    internal static void InverseCore(Span<ulong> values, NttTables tables) =>
        InverseCore(values, tables, UseAvx2);

    /// <summary>
    /// Forward transform on the path chosen by <paramref name="avx2"/>; the scalar path is
    /// taken where the CPU lacks AVX2. Both give identical output.
    /// </summary>
    internal static void ForwardCore(Span<ulong> values, NttTables tables, bool avx2)
    {
        // The loops below index without bounds checks, so the one length check that
        // keeps them inside the span and the tables must not be skipped.
        CheckLength(values, tables);
        if (avx2 && Avx2.IsSupported)
        {
            ForwardAvx2(values, tables);
        }
        else
        {
            ForwardScalar(values, tables);
        }
    }

    /// <summary>
    /// Inverse transform on the path chosen by <paramref name="avx2"/>; the scalar path is
    /// taken where the CPU lacks AVX2. Both give identical output.
    /// </summary>
    internal static void InverseCore(Span<ulong> values, NttTables tables, bool avx2)
    {
        CheckLength(values, tables);
        if (avx2 && Avx2.IsSupported)
        {
            InverseAvx2(values, tables);
        }
        else
        {
            InverseScalar(values, tables);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardScalar(Span<ulong> values, NttTables tables)
    {
        unchecked
        {
            ulong q = tables.Modulus.Value;
            ulong twoQ = 2 * q;
            ref ulong v = ref MemoryMarshal.GetReference(values);
            ref ulong roots = ref MemoryMarshal.GetArrayDataReference(tables.RootPowers);
            ref ulong shoup = ref MemoryMarshal.GetArrayDataReference(tables.RootPowersShoup);
            int n = values.Length;

            // Stage m has m blocks of 2t values; block i pairs x[j] with x[j + t] through
            // psi^bitreverse(m + i). Inputs to a butterfly are below 4q, outputs too.
            int m = 1;
            for (int t = n >> 1; t >= 4; t >>= 1, m <<= 1)
            {
                for (int i = 0; i < m; i++)
                {
                    ulong w = Unsafe.Add(ref roots, m + i);
                    ulong wShoup = Unsafe.Add(ref shoup, m + i);
                    ForwardBlock(ref Unsafe.Add(ref v, 2 * i * t), t, w, wShoup, q);
                }
            }

            // t = 2: blocks of four values, unrolled, since a loop of two costs more in
            // overhead than in butterflies.
            for (int i = 0; i < m; i++)
            {
                ulong w = Unsafe.Add(ref roots, m + i);
                ulong wShoup = Unsafe.Add(ref shoup, m + i);
                ref ulong block = ref Unsafe.Add(ref v, 4 * i);
                ulong x0 = ReduceBelow(block, twoQ);
                ulong x1 = ReduceBelow(Unsafe.Add(ref block, 1), twoQ);
                ulong y0 = MultiplyShoupLazy(Unsafe.Add(ref block, 2), w, wShoup, q);
                ulong y1 = MultiplyShoupLazy(Unsafe.Add(ref block, 3), w, wShoup, q);
                block = x0 + y0;
                Unsafe.Add(ref block, 1) = x1 + y1;
                Unsafe.Add(ref block, 2) = x0 + twoQ - y0;
                Unsafe.Add(ref block, 3) = x1 + twoQ - y1;
            }

            // t = 1, with the final reduction from [0, 4q) to [0, q) fused in.
            m <<= 1;
            for (int i = 0; i < m; i++)
            {
                ulong w = Unsafe.Add(ref roots, m + i);
                ulong wShoup = Unsafe.Add(ref shoup, m + i);
                ref ulong pair = ref Unsafe.Add(ref v, 2 * i);
                ulong x = ReduceBelow(pair, twoQ);
                ulong y = MultiplyShoupLazy(Unsafe.Add(ref pair, 1), w, wShoup, q);
                pair = ReduceBelow(ReduceBelow(x + y, twoQ), q);
                Unsafe.Add(ref pair, 1) = ReduceBelow(ReduceBelow(x + twoQ - y, twoQ), q);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InverseScalar(Span<ulong> values, NttTables tables)
    {
        unchecked
        {
            ulong q = tables.Modulus.Value;
            ulong twoQ = 2 * q;
            ref ulong v = ref MemoryMarshal.GetReference(values);
            ref ulong roots = ref MemoryMarshal.GetArrayDataReference(tables.InverseRootPowers);
            ref ulong shoup =
                ref MemoryMarshal.GetArrayDataReference(tables.InverseRootPowersShoup);
            int n = values.Length;

            // Stage h undoes forward stage h: block i pairs x[j] with x[j + t] through
            // psi^-bitreverse(h + i). Values stay below 2q throughout.
            int h = n >> 1;
            for (int i = 0; i < h; i++)
            {
                ulong w = Unsafe.Add(ref roots, h + i);
                ulong wShoup = Unsafe.Add(ref shoup, h + i);
                ref ulong pair = ref Unsafe.Add(ref v, 2 * i);
                ulong x = pair;
                ulong y = Unsafe.Add(ref pair, 1);
                pair = ReduceBelow(x + y, twoQ);
                Unsafe.Add(ref pair, 1) = MultiplyShoupLazy(x + twoQ - y, w, wShoup, q);
            }

            h >>= 1;
            for (int i = 0; i < h; i++)
            {
                ulong w = Unsafe.Add(ref roots, h + i);
                ulong wShoup = Unsafe.Add(ref shoup, h + i);
                ref ulong block = ref Unsafe.Add(ref v, 4 * i);
                ulong x0 = block;
                ulong x1 = Unsafe.Add(ref block, 1);
                ulong y0 = Unsafe.Add(ref block, 2);
                ulong y1 = Unsafe.Add(ref block, 3);
                block = ReduceBelow(x0 + y0, twoQ);
                Unsafe.Add(ref block, 1) = ReduceBelow(x1 + y1, twoQ);
                Unsafe.Add(ref block, 2) = MultiplyShoupLazy(x0 + twoQ - y0, w, wShoup, q);
                Unsafe.Add(ref block, 3) = MultiplyShoupLazy(x1 + twoQ - y1, w, wShoup, q);
            }

            int t = 4;
            for (h >>= 1; h > 1; h >>= 1, t <<= 1)
            {
                for (int i = 0; i < h; i++)
                {
                    ulong w = Unsafe.Add(ref roots, h + i);
                    ulong wShoup = Unsafe.Add(ref shoup, h + i);
                    InverseBlock(ref Unsafe.Add(ref v, 2 * i * t), t, w, wShoup, q);
                }
            }

            // The last stage is a single block with psi^-(N/2); both halves also take
            // N^-1, and the product, reduced twice, leaves them below q.
            ulong scale = tables.DegreeInverse;
            ulong scaleShoup = tables.DegreeInverseShoup;
            ulong lastW = tables.LastInverseRoot;
            ulong lastWShoup = tables.LastInverseRootShoup;
            ref ulong second = ref Unsafe.Add(ref v, t);
            for (int j = 0; j < t; j++)
            {
                ref ulong a = ref Unsafe.Add(ref v, j);
                ref ulong b = ref Unsafe.Add(ref second, j);
                ulong x = a;
                ulong y = b;
                a = ReduceBelow(MultiplyShoupLazy(x + y, scale, scaleShoup, q), q);
                b = ReduceBelow(MultiplyShoupLazy(x + twoQ - y, lastW, lastWShoup, q), q);
            }
        }
    }

    /// <summary>
    /// One forward block of 2t values starting at <paramref name="top"/>, all below 4q.
    /// </summary>
    /// <remarks>
    /// Kept out of line: inside the stage loops the JIT runs out of registers and spills
    /// the loop counter, which costs more than a call per block of at least 8 values.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBlock(ref ulong top, int t, ulong w, ulong wShoup, ulong q)
    {
        unchecked
        {
            ulong twoQ = 2 * q;
            ref ulong bottom = ref Unsafe.Add(ref top, t);
            for (nint j = 0; j < t; j++)
            {
                ulong x = ReduceBelow(Unsafe.Add(ref top, j), twoQ);
                ulong y = MultiplyShoupLazy(Unsafe.Add(ref bottom, j), w, wShoup, q);
                Unsafe.Add(ref top, j) = x + y;
                Unsafe.Add(ref bottom, j) = x + twoQ - y;
            }
        }
    }

    /// <summary>
    /// One inverse block of 2t values starting at <paramref name="top"/>, all below 2q;
    /// out of line for the reason <see cref="ForwardBlock"/> gives.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void InverseBlock(ref ulong top, int t, ulong w, ulong wShoup, ulong q)
    {
        unchecked
        {
            ulong twoQ = 2 * q;
            ref ulong bottom = ref Unsafe.Add(ref top, t);
            for (nint j = 0; j < t; j++)
            {
                ulong x = Unsafe.Add(ref top, j);
                ulong y = Unsafe.Add(ref bottom, j);
                Unsafe.Add(ref top, j) = ReduceBelow(x + y, twoQ);
                Unsafe.Add(ref bottom, j) = MultiplyShoupLazy(x + twoQ - y, w, wShoup, q);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardAvx2(Span<ulong> values, NttTables tables)
    {
        Debug.Assert(Avx2.IsSupported);
        ulong qScalar = tables.Modulus.Value;
        Vector256<ulong> q = Vector256.Create(qScalar);
        Vector256<ulong> qHigh = Vector256.Create(qScalar >> 32);
        Vector256<ulong> twoQ = Vector256.Create(2 * qScalar);
        ref ulong v = ref MemoryMarshal.GetReference(values);
        ref ulong roots = ref MemoryMarshal.GetArrayDataReference(tables.RootPowers);
        ref ulong shoup = ref MemoryMarshal.GetArrayDataReference(tables.RootPowersShoup);
        int n = values.Length;

        // Stages with t >= 4: one twiddle per block, broadcast to all four lanes.
        int m = 1;
        for (int t = n >> 1; t >= 4; t >>= 1, m <<= 1)
        {
            for (int i = 0; i < m; i++)
            {
                Vector256<ulong> w = Vector256.Create(Unsafe.Add(ref roots, m + i));
                Vector256<ulong> wShoup = Vector256.Create(Unsafe.Add(ref shoup, m + i));
                Vector256<ulong> wHigh = Avx2.ShiftRightLogical(w, 32);
                Vector256<ulong> wShoupHigh = Avx2.ShiftRightLogical(wShoup, 32);
                ref ulong top = ref Unsafe.Add(ref v, 2 * i * t);
                ref ulong bottom = ref Unsafe.Add(ref top, t);
                for (int j = 0; j < t; j += 4)
                {
                    Vector256<ulong> a = Vector256.LoadUnsafe(ref top, (nuint)j);
                    Vector256<ulong> b = Vector256.LoadUnsafe(ref bottom, (nuint)j);
                    Vector256<ulong> x = ReduceBelow(a, twoQ);
                    Vector256<ulong> y =
                        MultiplyShoupLazy(b, w, wHigh, wShoup, wShoupHigh, q, qHigh, twoQ);
                    Avx2.Add(x, y).StoreUnsafe(ref top, (nuint)j);
                    Avx2.Subtract(Avx2.Add(x, twoQ), y).StoreUnsafe(ref bottom, (nuint)j);
                }
            }
        }

        // t = 2: two blocks per step. Their tops and bottoms are gathered into one vector
        // each, and each twiddle is doubled to cover its block's two lanes.
        for (int i = 0; i < m; i += 2)
        {
            ref ulong block = ref Unsafe.Add(ref v, 4 * i);
            Vector256<ulong> first = Vector256.LoadUnsafe(ref block);
            Vector256<ulong> second = Vector256.LoadUnsafe(ref block, 4);
            Vector256<ulong> a = Avx2.Permute2x128(first, second, 0x20);
            Vector256<ulong> b = Avx2.Permute2x128(first, second, 0x31);
            Vector256<ulong> w =
                Avx2.Permute4x64(Vector256.LoadUnsafe(ref roots, (nuint)(m + i)), 0x50);
            Vector256<ulong> wShoup =
                Avx2.Permute4x64(Vector256.LoadUnsafe(ref shoup, (nuint)(m + i)), 0x50);
            Vector256<ulong> x = ReduceBelow(a, twoQ);
            Vector256<ulong> y = MultiplyShoupLazy(
                b,
                w,
                Avx2.ShiftRightLogical(w, 32),
                wShoup,
                Avx2.ShiftRightLogical(wShoup, 32),
                q,
                qHigh,
                twoQ);
            Vector256<ulong> sum = Avx2.Add(x, y);
            Vector256<ulong> difference = Avx2.Subtract(Avx2.Add(x, twoQ), y);
            Avx2.Permute2x128(sum, difference, 0x20).StoreUnsafe(ref block);
            Avx2.Permute2x128(sum, difference, 0x31).StoreUnsafe(ref block, 4);
        }

        // t = 1: four pairs per step, split into even and odd lanes; the twiddles are
        // reordered to match the lanes the unpacks leave them in. The final reduction
        // from [0, 4q) to [0, q) is fused in.
        m <<= 1;
        for (int i = 0; i < m; i += 4)
        {
            ref ulong pairs = ref Unsafe.Add(ref v, 2 * i);
            Vector256<ulong> first = Vector256.LoadUnsafe(ref pairs);
            Vector256<ulong> second = Vector256.LoadUnsafe(ref pairs, 4);
            Vector256<ulong> a = Avx2.UnpackLow(first, second);
            Vector256<ulong> b = Avx2.UnpackHigh(first, second);
            Vector256<ulong> w =
                Avx2.Permute4x64(Vector256.LoadUnsafe(ref roots, (nuint)(m + i)), 0xD8);
            Vector256<ulong> wShoup =
                Avx2.Permute4x64(Vector256.LoadUnsafe(ref shoup, (nuint)(m + i)), 0xD8);
            Vector256<ulong> x = ReduceBelow(a, twoQ);
            Vector256<ulong> y = MultiplyShoupLazy(
                b,
                w,
                Avx2.ShiftRightLogical(w, 32),
                wShoup,
                Avx2.ShiftRightLogical(wShoup, 32),
                q,
                qHigh,
                twoQ);
            Vector256<ulong> sum = ReduceBelow(ReduceBelow(Avx2.Add(x, y), twoQ), q);
            Vector256<ulong> difference =
                ReduceBelow(ReduceBelow(Avx2.Subtract(Avx2.Add(x, twoQ), y), twoQ), q);
            Avx2.UnpackLow(sum, difference).StoreUnsafe(ref pairs);
            Avx2.UnpackHigh(sum, difference).StoreUnsafe(ref pairs, 4);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InverseAvx2(Span<ulong> values, NttTables tables)
    {
        Debug.Assert(Avx2.IsSupported);
        ulong qScalar = tables.Modulus.Value;
        Vector256<ulong> q = Vector256.Create(qScalar);
        Vector256<ulong> qHigh = Vector256.Create(qScalar >> 32);
        Vector256<ulong> twoQ = Vector256.Create(2 * qScalar);
        ref ulong v = ref MemoryMarshal.GetReference(values);
        ref ulong roots = ref MemoryMarshal.GetArrayDataReference(tables.InverseRootPowers);
        ref ulong shoup = ref MemoryMarshal.GetArrayDataReference(tables.InverseRootPowersShoup);
        int n = values.Length;

        // t = 1, lanes arranged as in the forward transform's last stage.
        int h = n >> 1;
        for (int i = 0; i < h; i += 4)
        {
            ref ulong pairs = ref Unsafe.Add(ref v, 2 * i);
            Vector256<ulong> first = Vector256.LoadUnsafe(ref pairs);
            Vector256<ulong> second = Vector256.LoadUnsafe(ref pairs, 4);
            Vector256<ulong> x = Avx2.UnpackLow(first, second);
            Vector256<ulong> y = Avx2.UnpackHigh(first, second);
            Vector256<ulong> w =
                Avx2.Permute4x64(Vector256.LoadUnsafe(ref roots, (nuint)(h + i)), 0xD8);
            Vector256<ulong> wShoup =
                Avx2.Permute4x64(Vector256.LoadUnsafe(ref shoup, (nuint)(h + i)), 0xD8);
            Vector256<ulong> sum = ReduceBelow(Avx2.Add(x, y), twoQ);
            Vector256<ulong> product = MultiplyShoupLazy(
                Avx2.Subtract(Avx2.Add(x, twoQ), y),
                w,
                Avx2.ShiftRightLogical(w, 32),
                wShoup,
                Avx2.ShiftRightLogical(wShoup, 32),
                q,
                qHigh,
                twoQ);
            Avx2.UnpackLow(sum, product).StoreUnsafe(ref pairs);
            Avx2.UnpackHigh(sum, product).StoreUnsafe(ref pairs, 4);
        }

        // t = 2, lanes arranged as in the forward transform's t = 2 stage.
        h >>= 1;
        for (int i = 0; i < h; i += 2)
        {
            ref ulong block = ref Unsafe.Add(ref v, 4 * i);
            Vector256<ulong> first = Vector256.LoadUnsafe(ref block);
            Vector256<ulong> second = Vector256.LoadUnsafe(ref block, 4);
            Vector256<ulong> x = Avx2.Permute2x128(first, second, 0x20);
            Vector256<ulong> y = Avx2.Permute2x128(first, second, 0x31);
            Vector256<ulong> w =
                Avx2.Permute4x64(Vector256.LoadUnsafe(ref roots, (nuint)(h + i)), 0x50);
            Vector256<ulong> wShoup =
                Avx2.Permute4x64(Vector256.LoadUnsafe(ref shoup, (nuint)(h + i)), 0x50);
            Vector256<ulong> sum = ReduceBelow(Avx2.Add(x, y), twoQ);
            Vector256<ulong> product = MultiplyShoupLazy(
                Avx2.Subtract(Avx2.Add(x, twoQ), y),
                w,
                Avx2.ShiftRightLogical(w, 32),
                wShoup,
                Avx2.ShiftRightLogical(wShoup, 32),
                q,
                qHigh,
                twoQ);
            Avx2.Permute2x128(sum, product, 0x20).StoreUnsafe(ref block);
            Avx2.Permute2x128(sum, product, 0x31).StoreUnsafe(ref block, 4);
        }

        int t = 4;
        for (h >>= 1; h > 1; h >>= 1, t <<= 1)
        {
            for (int i = 0; i < h; i++)
            {
                Vector256<ulong> w = Vector256.Create(Unsafe.Add(ref roots, h + i));
                Vector256<ulong> wShoup = Vector256.Create(Unsafe.Add(ref shoup, h + i));
                Vector256<ulong> wHigh = Avx2.ShiftRightLogical(w, 32);
                Vector256<ulong> wShoupHigh = Avx2.ShiftRightLogical(wShoup, 32);
                ref ulong top = ref Unsafe.Add(ref v, 2 * i * t);
                ref ulong bottom = ref Unsafe.Add(ref top, t);
                for (int j = 0; j < t; j += 4)
                {
                    Vector256<ulong> x = Vector256.LoadUnsafe(ref top, (nuint)j);
                    Vector256<ulong> y = Vector256.LoadUnsafe(ref bottom, (nuint)j);
                    ReduceBelow(Avx2.Add(x, y), twoQ).StoreUnsafe(ref top, (nuint)j);
                    MultiplyShoupLazy(
                        Avx2.Subtract(Avx2.Add(x, twoQ), y),
                        w,
                        wHigh,
                        wShoup,
                        wShoupHigh,
                        q,
                        qHigh,
                        twoQ).StoreUnsafe(ref bottom, (nuint)j);
                }
            }
        }

        Vector256<ulong> scale = Vector256.Create(tables.DegreeInverse);
        Vector256<ulong> scaleShoup = Vector256.Create(tables.DegreeInverseShoup);
        Vector256<ulong> scaleHigh = Avx2.ShiftRightLogical(scale, 32);
        Vector256<ulong> scaleShoupHigh = Avx2.ShiftRightLogical(scaleShoup, 32);
        Vector256<ulong> lastW = Vector256.Create(tables.LastInverseRoot);
        Vector256<ulong> lastWShoup = Vector256.Create(tables.LastInverseRootShoup);
        Vector256<ulong> lastWHigh = Avx2.ShiftRightLogical(lastW, 32);
        Vector256<ulong> lastWShoupHigh = Avx2.ShiftRightLogical(lastWShoup, 32);
        ref ulong secondHalf = ref Unsafe.Add(ref v, t);
        for (int j = 0; j < t; j += 4)
        {
            Vector256<ulong> x = Vector256.LoadUnsafe(ref v, (nuint)j);
            Vector256<ulong> y = Vector256.LoadUnsafe(ref secondHalf, (nuint)j);
            Vector256<ulong> scaled = MultiplyShoupLazy(
                Avx2.Add(x, y), scale, scaleHigh, scaleShoup, scaleShoupHigh, q, qHigh, twoQ);
            Vector256<ulong> rotated = MultiplyShoupLazy(
                Avx2.Subtract(Avx2.Add(x, twoQ), y),
                lastW,
                lastWHigh,
                lastWShoup,
                lastWShoupHigh,
                q,
                qHigh,
                twoQ);
            ReduceBelow(scaled, q).StoreUnsafe(ref v, (nuint)j);
            ReduceBelow(rotated, q).StoreUnsafe(ref secondHalf, (nuint)j);
        }
    }

    /// <summary>
    /// Returns a value in [0, 2q) congruent to x * w, as
    /// <see cref="Modulus.MultiplyShoupLazy"/> does, with q held in a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyShoupLazy(ulong x, ulong w, ulong wShoup, ulong q)
    {
        unchecked
        {
            // mulx yields the high word alone; Math.BigMul would also spill the low word
            // the quotient does not need.
            ulong quotient = Bmi2.X64.IsSupported
                ? Bmi2.X64.MultiplyNoFlags(x, wShoup)
                : Math.BigMul(x, wShoup, out _);
            return (x * w) - (quotient * q);
        }
    }

    /// <summary>
    /// Four lanes of <see cref="MultiplyShoupLazy(ulong, ulong, ulong, ulong)"/>, for
    /// x below 2^63; each wide operand comes with its upper 32 bits pre-shifted down.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> MultiplyShoupLazy(
        Vector256<ulong> x,
        Vector256<ulong> w,
        Vector256<ulong> wHigh,
        Vector256<ulong> wShoup,
        Vector256<ulong> wShoupHigh,
        Vector256<ulong> q,
        Vector256<ulong> qHigh,
        Vector256<ulong> twoQ)
    {
        // vpmuludq multiplies the low 32 bits of each lane, so each 64-bit operand is
        // used as its low half directly and as its high half after a shift by 32.
        Vector256<ulong> xHigh = Avx2.ShiftRightLogical(x, 32);

        // The quotient floor(x * wShoup / 2^64) is estimated as the high-by-high product
        // plus the top halves of the two cross products. The dropped terms carry at most
        // 2 into the top word, so the estimate is at most 2 short of Shoup's quotient,
        // itself at most 1 short of floor(x * w / q): the remainder is below 4q, and one
        // masked subtraction of 2q brings it below 2q. That saves a multiplication and
        // the carry chain an exact high word would need.
        Vector256<ulong> crossLow = Avx2.Multiply(x.AsUInt32(), wShoupHigh.AsUInt32());
        Vector256<ulong> crossHigh = Avx2.Multiply(xHigh.AsUInt32(), wShoup.AsUInt32());
        Vector256<ulong> quotient = Avx2.Add(
            Avx2.Multiply(xHigh.AsUInt32(), wShoupHigh.AsUInt32()),
            Avx2.Add(
                Avx2.ShiftRightLogical(crossLow, 32),
                Avx2.ShiftRightLogical(crossHigh, 32)));
        Vector256<ulong> quotientHigh = Avx2.ShiftRightLogical(quotient, 32);

        // The remainder x * w - quotient * q is below 2^63, so its value mod 2^64, built
        // from the low products and the cross products shifted up by 32, is exact.
        Vector256<ulong> low = Avx2.Subtract(
            Avx2.Multiply(x.AsUInt32(), w.AsUInt32()),
            Avx2.Multiply(quotient.AsUInt32(), q.AsUInt32()));
        Vector256<ulong> cross = Avx2.Subtract(
            Avx2.Add(
                Avx2.Multiply(x.AsUInt32(), wHigh.AsUInt32()),
                Avx2.Multiply(xHigh.AsUInt32(), w.AsUInt32())),
            Avx2.Add(
                Avx2.Multiply(quotient.AsUInt32(), qHigh.AsUInt32()),
                Avx2.Multiply(quotientHigh.AsUInt32(), q.AsUInt32())));
        Vector256<ulong> remainder = Avx2.Add(low, Avx2.ShiftLeftLogical(cross, 32));
        return ReduceBelow(remainder, twoQ);
    }

    /// <summary>Maps x in [0, 2 * bound) to [0, bound) without branching on it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReduceBelow(ulong x, ulong bound)
    {
        unchecked
        {
            ulong reduced = x - bound;
            ulong mask = 0UL - (reduced >> 63);
            return reduced + (bound & mask);
        }
    }

    /// <summary>
    /// Four lanes of <see cref="ReduceBelow(ulong, ulong)"/>, for x and bound below 2^63,
    /// where the signed comparison agrees with the unsigned one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> ReduceBelow(Vector256<ulong> x, Vector256<ulong> bound)
    {
        // The mask is all ones where x < bound; bound is subtracted elsewhere.
        Vector256<ulong> below = Avx2.CompareGreaterThan(bound.AsInt64(), x.AsInt64()).AsUInt64();
        return Avx2.Subtract(x, Avx2.AndNot(below, bound));
    }

    private static void CheckLength(Span<ulong> values, NttTables tables)
    {
        if (values.Length != tables.RingDegree)
        {
            throw new ArgumentException(
                $"Expected {tables.RingDegree} values, got {values.Length}.", nameof(values));
        }
    }

    private static void Validate(Span<ulong> values, NttTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        CheckLength(values, tables);

        // Accumulating an out-of-range flag instead of testing each value keeps the check
        // free of branches on coefficients that may be secret.
        ulong limit = tables.Modulus.Value - 1;
        ulong outOfRange = 0;
        foreach (ulong value in values)
        {
            outOfRange |= (value >> Modulus.MaxBitCount) | (unchecked(limit - value) >> 63);
        }

        if (outOfRange != 0)
        {
            throw new ArgumentException("A value is not below the modulus.", nameof(values));
        }
    }
}
