namespace Aevb.Training;

/// <summary>
/// What a resume file must hold, and how a damaged one is refused, written once for both readers: the one checkpoint
/// format (<see cref="LearnerCheckpoint"/>) and the <c>optimizer.safetensors</c> of older <c>aevb train</c> folders
/// (<see cref="TrainerState"/>).
/// </summary>
internal static class StateTensors
{
    /// <summary>A 1-D copy of a state buffer (optimiser sums, chains) for the file.</summary>
    public static SafeTensor Vector(string name, ReadOnlySpan<float> values)
        => new(name, [values.Length], values.ToArray());

    /// <summary>
    /// Copies tensor <paramref name="name"/> into <paramref name="target"/> after checking that it is there, has
    /// the target's length and holds only finite numbers: a NaN parameter or optimiser sum would train on silently
    /// (every update NaN) and the run would then blame its step size. <paramref name="advice"/> ends each message.
    /// </summary>
    public static void Restore(SafeTensorsFile file, string path, string name, Span<float> target, string advice)
    {
        var t = file.Find(name) ?? throw new InvalidDataException($"{path}: tensor '{name}' is missing{advice}");
        if (t.Data.Length != target.Length)
            throw new InvalidDataException(
                $"{path}: tensor '{name}' has {t.Data.Length} values, expected {target.Length}{advice}");
        var bad = Array.FindIndex(t.Data, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new InvalidDataException($"{path}: tensor '{name}' holds {t.Data[bad]} at index {bad}, "
                                           + $"not a finite number: the file is damaged{advice}");
        t.Data.AsSpan().CopyTo(target);
    }

    /// <summary>
    /// A missing key first (the file is not what it should be), before each value goes through the typed,
    /// range-checked readers of <see cref="SafeTensorsFile"/>.
    /// </summary>
    public static void RequireMetadata(SafeTensorsFile file, string path, IEnumerable<string> keys, string advice)
    {
        foreach (var key in keys)
            if (!file.Metadata.ContainsKey(key))
                throw new InvalidDataException($"{path}: metadata lacks '{key}'{advice}");
    }
}
