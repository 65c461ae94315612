// The offline aggregate check by sampling (DESIGN.md, "Ledger and proofs"): for every
// completed round an auditor checks, without trusting the appliance, that the round's
// aggregate is the sum of the contributions the clients signed. The ledger (whose chain
// and signatures the ledger verifier checks) fixes each contribution's RFC 6962 root and
// length and the SHA-256 of the aggregate, the sum and, in mask mode, the unmasking
// evidence; an export (`securefed-enclave ledger export --contributions DIR`, AuditFiles)
// supplies the bytes.
//
// Per round: the files' hashes against the ledger; each contribution's leaf list against
// its signed root, once; then K positions drawn uniformly from a CSPRNG, after all of the
// above is fixed, at which the contributions' values are read from their verified chunks
// and added:
// - HE mode (threshold CKKS, Mouchet et al. PETS 2021): residue by residue modulo its prime,
//   exactly as AggregateSpotCheck does for a custodian, against the aggregate ciphertexts.
// - Mask mode (SecAgg+, Bell et al. CCS 2020): modulo 2^b, plus what stripping the revealed
//   masks adds there (UnmaskingEvidence, AES-CTR with random access per coordinate),
//   against the unmasked sum; without DP the downloaded aggregate must equal that sum.
//
// An appliance that alters m of P positions escapes one round with probability
// (1 - m/P)^K; presenting one client's contribution as the aggregate alters almost all.

using System.Numerics;
using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Protocol.Audit;

/// <summary>
/// Checks offline, by sampling, that each completed round's aggregate is the sum of the
/// contributions its clients signed.
/// </summary>
public static class AggregateAudit
{
    /// <summary>The <see cref="AuditFinding.Check"/> of this audit's findings.</summary>
    public const string CheckName = "aggregate";

    /// <summary>The number of positions per round checked unless asked otherwise.</summary>
    public const int DefaultSpotChecks = 64;

    /// <summary>The most positions per round one audit may ask for.</summary>
    public const int MaxSpotChecks = He.AggregateSpotCheck.MaxPositions;

    /// <summary>
    /// Audits every round.closed entry of <paramref name="entries"/> against the exported
    /// <paramref name="contributionsDirectory"/>, checking <paramref name="spotChecks"/>
    /// positions per round drawn from <paramref name="random"/> (the operating system's
    /// CSPRNG when null). Missing or altered files are findings, never exceptions.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is null.</exception>
    /// <exception cref="ArgumentException">The directory is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="spotChecks"/> is below 1 or above <see cref="MaxSpotChecks"/>.
    /// </exception>
    public static AggregateAuditResult Check(
        IReadOnlyList<LedgerEntry> entries,
        string contributionsDirectory,
        int spotChecks,
        RandomNumberGenerator? random = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentException.ThrowIfNullOrEmpty(contributionsDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(spotChecks, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spotChecks, MaxSpotChecks);

        var ledger = AuditedLedger.Read(entries);
        var findings = new List<AuditFinding>(ledger.Findings);
        if (!Directory.Exists(contributionsDirectory))
        {
            if (ledger.ClosedRounds.Count > 0)
            {
                findings.Add(new AuditFinding(
                    CheckName, null, null,
                    $"The contributions directory '{contributionsDirectory}' does not exist; no aggregate " +
                    "can be checked."));
            }

            return new AggregateAuditResult(findings, 0, 0);
        }

        var context = new Lazy<CkksContext?>(() => HeContext(ledger));
        int rounds = 0;
        long coordinates = 0;
        foreach (ClosedRound round in ledger.ClosedRounds)
        {
            var check = new RoundSpotCheck(ledger, round, contributionsDirectory, spotChecks, random);
            long compared = check.Run(context, findings);
            if (compared > 0)
            {
                rounds++;
                coordinates += compared;
            }
        }

        return new AggregateAuditResult(findings, rounds, coordinates);
    }

    // The federation's CKKS parameters are named in federation.created by ring degree and
    // chain primes; the appliance makes them with CkksParameters.CreateDefault, or Create
    // from the primes' sizes, which both generate the primes deterministically.
    private static CkksContext? HeContext(AuditedLedger ledger)
    {
        if (ledger.RingDegree == 0 || ledger.Primes.Count == 0)
        {
            return null;
        }

        try
        {
            CkksParameters parameters = CkksParameters.CreateDefault(ledger.RingDegree);
            if (!parameters.Primes.SequenceEqual(ledger.Primes))
            {
                int[] sizes = [.. ledger.Primes.Select(p => 64 - BitOperations.LeadingZeroCount(p))];
                parameters = CkksParameters.Create(ledger.RingDegree, sizes);
            }

            return parameters.Primes.SequenceEqual(ledger.Primes) ? new CkksContext(parameters) : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
