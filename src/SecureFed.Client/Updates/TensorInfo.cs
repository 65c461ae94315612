namespace SecureFed.Client.Updates;

/// <summary>The name and shape of one tensor of a model update.</summary>
/// <param name="Name">The tensor's name (for a <c>.npy</c> file,
/// <see cref="ModelUpdateFile.NpyTensorName"/>).</param>
/// <param name="Shape">Its dimensions, outermost first; empty for a scalar.</param>
public sealed record TensorInfo(string Name, IReadOnlyList<int> Shape)
{
    /// <summary>The number of values: the product of the dimensions (1 for a scalar).</summary>
    /// <exception cref="OverflowException">The product does not fit in an <c>int</c>.</exception>
    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int dimension in Shape)
            {
                count = checked(count * dimension);
            }

            return count;
        }
    }
}
