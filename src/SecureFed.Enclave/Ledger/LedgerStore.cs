// The appliance's ledger in its database. Each append reads the last entry inside the
// caller's transaction and writes the next, so the ledger row and the state change it
// records commit together, and a rolled-back change leaves no entry behind. Receipts are
// computed from the stored entry hashes: a checkpoint signed over the current tree and the
// entry's inclusion path.

using System.Globalization;
using Microsoft.Data.Sqlite;
using SecureFed.Crypto.Signatures;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Enclave.Ledger;

/// <summary>The signed, hash-chained ledger, stored in the appliance's database.</summary>
public sealed class LedgerStore : IDisposable
{
    private readonly EnclaveDatabase _database;
    private readonly Ed25519PrivateKey _key;

    /// <summary>Uses <paramref name="key"/>, the appliance's ledger key, which the store disposes.</summary>
    public LedgerStore(EnclaveDatabase database, Ed25519PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(key);
        _database = database;
        _key = key;
    }

    /// <summary>The key auditors verify entries and checkpoints with.</summary>
    public Ed25519PublicKey PublicKey => _key.PublicKey;

    /// <summary>Number of entries.</summary>
    public ulong Count => _database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ledger;";
        return checked((ulong)Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    });

    /// <summary>
    /// The last entry, or null when the ledger is empty. Its index plus one is the number of
    /// entries at the moment it was read, which a separate <see cref="Count"/> could not
    /// promise while the appliance appends.
    /// </summary>
    public LedgerEntry? Head() => _database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = SelectEntries + " ORDER BY idx DESC LIMIT 1;";
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadEntry(reader) : null;
    });

    /// <summary>Appends an entry inside <paramref name="transaction"/> and returns it.</summary>
    public LedgerEntry Append(SqliteTransaction transaction, string kind, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var last = ReadLast(transaction);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var chain = new LedgerChain(_key, last);
        var entry = chain.Append(kind, payload, Math.Max(now, last?.TimestampUnixMs ?? 0));

        using var insert = EnclaveDatabase.Command(
            transaction,
            "INSERT INTO ledger (idx, previous_hash, timestamp_ms, kind, payload, hash, signature) " +
            "VALUES ($idx, $prev, $ts, $kind, $payload, $hash, $sig);");
        insert.Parameters.AddWithValue("$idx", checked((long)entry.Index));
        insert.Parameters.AddWithValue("$prev", entry.PreviousHash.ToArray());
        insert.Parameters.AddWithValue("$ts", entry.TimestampUnixMs);
        insert.Parameters.AddWithValue("$kind", entry.Kind);
        insert.Parameters.AddWithValue("$payload", entry.Payload.ToArray());
        insert.Parameters.AddWithValue("$hash", entry.Hash.ToArray());
        insert.Parameters.AddWithValue("$sig", entry.Signature.ToArray());
        insert.ExecuteNonQuery();
        return entry;
    }

    /// <summary>Every entry, in order.</summary>
    public IReadOnlyList<LedgerEntry> ReadAll() => _database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = SelectEntries + " ORDER BY idx;";
        using var reader = command.ExecuteReader();
        var entries = new List<LedgerEntry>();
        while (reader.Read())
        {
            entries.Add(ReadEntry(reader));
        }

        return entries;
    });

    /// <summary>Every entry, with a signed checkpoint over exactly those entries.</summary>
    public (IReadOnlyList<LedgerEntry> Entries, LedgerCheckpoint Checkpoint) Snapshot()
    {
        var entries = ReadAll();
        return (entries, Checkpoint(entries));
    }

    /// <summary>
    /// A receipt for entry <paramref name="index"/>: the entry, a fresh checkpoint over the
    /// whole ledger and the entry's inclusion proof in it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such entry.</exception>
    public LedgerReceipt Receipt(ulong index)
    {
        // Limitation: each receipt reads every entry hash; fine for ledgers of thousands of
        // entries, and an incremental tree would be needed for millions.
        var entries = ReadAll();
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, (ulong)entries.Count);
        var checkpoint = Checkpoint(entries);
        var proof = LedgerTree.InclusionProof(entries, (int)index, entries.Count);
        return new LedgerReceipt(entries[(int)index], checkpoint, proof);
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private LedgerCheckpoint Checkpoint(IReadOnlyList<LedgerEntry> entries)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long latest = entries.Count > 0 ? entries[^1].TimestampUnixMs : 0;
        return LedgerCheckpoint.ForEntries(entries, Math.Max(now, latest), _key);
    }

    private const string SelectEntries =
        "SELECT idx, previous_hash, timestamp_ms, kind, payload, hash, signature FROM ledger";

    private static LedgerEntry? ReadLast(SqliteTransaction transaction)
    {
        using var command = EnclaveDatabase.Command(transaction, SelectEntries + " ORDER BY idx DESC LIMIT 1;");
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadEntry(reader) : null;
    }

    private static LedgerEntry ReadEntry(SqliteDataReader reader) => new(
        checked((ulong)reader.GetInt64(0)),
        (byte[])reader[1],
        reader.GetInt64(2),
        reader.GetString(3),
        (byte[])reader[4],
        (byte[])reader[5],
        (byte[])reader[6]);
}
