// One exported contribution as the offline audit reads it: its leaf list is checked once
// against the root its client signed (RFC 6962 MTH over the 4096-byte chunks, as
// ContributionCommitment commits), and then only the chunks a spot check samples are read,
// each checked against its leaf hash. A 100-round ledger of 50 clients per round thus
// costs one small Merkle root per contribution and K chunk hashes, not a hash of every
// byte of every contribution.

using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SecureFed.Crypto.Merkle;
using SecureFed.Protocol.Contributions;

namespace SecureFed.Protocol.Audit;

/// <summary>Verified random access to the chunks of one exported contribution.</summary>
internal sealed class ContributionChunks : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly byte[][] _leaves;
    private readonly long _length;
    private readonly Dictionary<int, byte[]> _verified = [];

    private ContributionChunks(uint clientId, SafeFileHandle file, byte[][] leaves, long length)
    {
        ClientId = clientId;
        _file = file;
        _leaves = leaves;
        _length = length;
    }

    /// <summary>The contributing client.</summary>
    public uint ClientId { get; }

    /// <summary>The contribution's length in bytes, as its client signed it.</summary>
    public long Length => _length;

    /// <summary>
    /// Opens <paramref name="commitment"/>'s contribution in <paramref name="roundDirectory"/>
    /// and checks its length and leaf list against the signed commitment.
    /// </summary>
    /// <returns>The opened contribution, or null with the reason in <paramref name="problem"/>.</returns>
    public static ContributionChunks? Open(
        string roundDirectory, SignedCommitment commitment, out string? problem)
    {
        uint client = commitment.ClientId;
        string path = Path.Combine(roundDirectory, AuditFiles.Contribution(client));
        string leavesPath = Path.Combine(roundDirectory, AuditFiles.Leaves(client));
        if (!File.Exists(path))
        {
            problem = $"The contribution of client {client} is missing ({AuditFiles.Contribution(client)}).";
            return null;
        }

        long length = new FileInfo(path).Length;
        if (length != commitment.TotalLength || length <= 0 || length > ContributionCommitment.MaxLength)
        {
            problem = string.Create(
                CultureInfo.InvariantCulture,
                $"The contribution of client {client} is {length} bytes; the client signed " +
                $"{commitment.TotalLength}.");
            return null;
        }

        int count = ContributionCommitment.ChunkCount(length);
        if (!File.Exists(leavesPath) || new FileInfo(leavesPath).Length != (long)count * MerkleTree.HashSize)
        {
            problem = $"The leaf hashes of client {client}'s contribution are missing or not {count} hashes " +
                $"({AuditFiles.Leaves(client)}).";
            return null;
        }

        byte[] flat = File.ReadAllBytes(leavesPath);
        var leaves = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            leaves[i] = flat.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize).ToArray();
        }

        if (!CryptographicOperations.FixedTimeEquals(MerkleTree.Root(leaves), commitment.Root))
        {
            problem = $"The leaf hashes of client {client}'s contribution do not reproduce the root the " +
                "client signed.";
            return null;
        }

        problem = null;
        return new ContributionChunks(client, File.OpenHandle(path), leaves, length);
    }

    /// <summary>Chunk <paramref name="index"/>, read once and checked against its leaf hash.</summary>
    /// <exception cref="ProtocolViolationException">The chunk does not match its leaf hash.</exception>
    public ReadOnlyMemory<byte> Chunk(int index)
    {
        if (_verified.TryGetValue(index, out byte[]? cached))
        {
            return cached;
        }

        (long offset, int size) = ContributionCommitment.ChunkRange(_length, index);
        var chunk = new byte[size];
        int read = 0;
        while (read < size)
        {
            int got = RandomAccess.Read(_file, chunk.AsSpan(read), offset + read);
            if (got == 0)
            {
                throw new ProtocolViolationException(
                    $"Chunk {index} of client {ClientId}'s contribution ends early: the file was cut short.");
            }

            read += got;
        }

        if (!CryptographicOperations.FixedTimeEquals(MerkleTree.HashLeaf(chunk), _leaves[index]))
        {
            throw new ProtocolViolationException(
                $"Chunk {index} of client {ClientId}'s contribution does not match the leaf hash under " +
                "the root the client signed.");
        }

        _verified[index] = chunk;
        return chunk;
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
