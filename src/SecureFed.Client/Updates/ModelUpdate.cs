namespace SecureFed.Client.Updates;

/// <summary>
/// A client's model update: all its values flattened in one array, and the tensors they came
/// from, in order, so that the model can be rebuilt from the aggregate.
/// </summary>
/// <param name="Values">The values of every tensor, one after the other, each in C order.</param>
/// <param name="Tensors">The tensors whose values make up <paramref name="Values"/>, in the
/// order they appear there.</param>
public sealed record ModelUpdate(float[] Values, IReadOnlyList<TensorInfo> Tensors)
{
    /// <summary>An update of one vector-shaped tensor holding <paramref name="values"/>.</summary>
    /// <param name="values">The values; the record keeps this array.</param>
    /// <param name="name">The tensor's name.</param>
    /// <returns>The update.</returns>
    public static ModelUpdate FromVector(float[] values, string name = ModelUpdateFile.NpyTensorName)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(name);
        return new ModelUpdate(values, [new TensorInfo(name, [values.Length])]);
    }
}
