using System.Text.Json.Nodes;

namespace Aevb.Training.Runs;

/// <summary>
/// Which builds trained which samples of a run: run.json's <c>revisions</c>, one stretch per build in the order they
/// ran (<c>{"git_revision", "from_samples", "to_samples"}</c>, and <c>"reconstructed": true</c> where the stretch was
/// read back from the repository's history of run.json for runs trained before this record, see
/// <c>scripts/backfill-run-revisions.py</c>). A figure run is resumed across sessions, each with the
/// build of its day, and <c>git_revision</c> names only the last one: without this record a stretch trained from a
/// modified tree ("+dirty") would vanish from run.json once a clean build resumed the run.
/// A stretch from a modified tree may carry <c>"replayed"</c>: a build of a commit trained the same samples again from
/// the same state and wrote the same log rows and checkpoint (<c>scripts/replay-modified-stretches.py</c>; training
/// is deterministic on one ISA), so the run's numbers are the ones committed code produces.
/// </summary>
public sealed class RunRevisions
{
    public const string Key = "revisions";

    /// <param name="Revision">The sources' revision (<see cref="RunProvenance.GitRevision"/>).</param>
    /// <param name="From">Where the stretch starts; null where that is not known (run.json written before this record:
    /// its one revision is known to have trained up to <paramref name="To"/>, not from where).</param>
    /// <param name="To">Where it ends.</param>
    /// <param name="Reconstructed">Read back from the repository's history rather than written by the run.</param>
    /// <param name="Replayed">The clean replay of a stretch from a modified tree, where it came out identical.</param>
    public sealed record Stretch(string Revision, long? From, long To, bool Reconstructed = false, Replay? Replayed = null)
    {
        /// <summary>Built from a tree whose tracked sources differed from the commit.</summary>
        public bool Modified => Revision.EndsWith("+dirty", StringComparison.Ordinal);
    }

    /// <summary>A stretch trained again by a build of <paramref name="Revision"/>, with identical results.</summary>
    /// <param name="LogRows">Log rows inside the stretch compared (all columns but the timings).</param>
    /// <param name="Checkpoint">"identical" where the checkpoint at the stretch's end was compared with a committed
    /// one, else why not ("none committed", "none compared").</param>
    /// <param name="Isa">The engine's instruction set during the replay (sums in another order give other bits).</param>
    public sealed record Replay(string Revision, int LogRows, string Checkpoint, string Isa)
    {
        internal static Replay? Read(JsonNode? node) => node is JsonObject o
            ? new(o["git_revision"]?.GetValue<string>() ?? "unknown", o["log_rows"]?.GetValue<int>() ?? 0,
                o["checkpoint"]?.GetValue<string>() ?? "", o["isa"]?.GetValue<string>() ?? "")
            : null;

        internal JsonObject ToJson()
            => new() { ["git_revision"] = Revision, ["log_rows"] = LogRows, ["checkpoint"] = Checkpoint, ["isa"] = Isa };
    }

    private RunRevisions(IReadOnlyList<Stretch> stretches) => Stretches = stretches;

    public static readonly RunRevisions None = new([]);

    public IReadOnlyList<Stretch> Stretches { get; }

    /// <summary>
    /// The samples trained from a modified tree and not replayed identically by a clean build, neighbouring stretches
    /// joined (From null: start not known).
    /// </summary>
    public IReadOnlyList<(long? From, long To)> Modified => Join(s => s.Modified && s.Replayed is null);

    /// <summary>The samples trained from a modified tree that a clean build replayed identically, joined likewise.</summary>
    public IReadOnlyList<(long? From, long To)> Replayed => Join(s => s.Modified && s.Replayed is not null);

    private List<(long? From, long To)> Join(Func<Stretch, bool> which)
    {
        var spans = new List<(long? From, long To)>();
        foreach (var s in Stretches.Where(which))
            if (spans.Count > 0 && spans[^1].To == s.From) spans[^1] = (spans[^1].From, s.To);
            else spans.Add((s.From, s.To));
        return spans;
    }

    /// <summary>
    /// The record in run.json: its <c>revisions</c>, or, for run.json written before them, its <c>git_revision</c> as
    /// one stretch of unknown start up to <c>samples_seen</c>.
    /// </summary>
    public static RunRevisions Read(JsonObject? info)
    {
        if (info?[Key] is JsonArray array)
            return new(array.OfType<JsonObject>().Select(o => new Stretch(
                o["git_revision"]?.GetValue<string>() ?? "unknown",
                o["from_samples"]?.GetValue<long>(),
                o["to_samples"]?.GetValue<long>() ?? 0,
                o["reconstructed"]?.GetValue<bool>() ?? false,
                Replay.Read(o["replayed"]))).ToList());
        return info?["git_revision"]?.GetValue<string>() is { } revision
            ? new([new Stretch(revision, null, info["samples_seen"]?.GetValue<long>() ?? 0)])
            : None;
    }

    /// <summary>
    /// This record with <paramref name="revision"/> having trained from <paramref name="from"/> (where the run
    /// resumed; 0 for a fresh start, which leaves nothing of the earlier record) to <paramref name="to"/>: what lay
    /// beyond <paramref name="from"/> is gone (training picks up at the checkpoint), and a build carrying on its own
    /// stretch extends it.
    /// </summary>
    public RunRevisions Continue(string revision, long from, long to)
    {
        List<Stretch> kept = from == 0 ? [] : Stretches.Where(s => (s.From ?? 0) < from)
            .Select(s => s with { To = Math.Min(s.To, from) }).ToList();
        if (to <= from) return new(kept);
        if (kept.Count > 0 && kept[^1].Revision == revision && kept[^1].To == from)
            kept[^1] = kept[^1] with { To = to };
        else
            kept.Add(new Stretch(revision, from, to));
        return new(kept);
    }

    public JsonArray ToJson() => new(Stretches.Select(s =>
    {
        var json = new JsonObject { ["git_revision"] = s.Revision, ["from_samples"] = s.From, ["to_samples"] = s.To };
        if (s.Reconstructed) json["reconstructed"] = true;
        if (s.Replayed is { } replay) json["replayed"] = replay.ToJson();
        return (JsonNode)json;
    }).ToArray());
}
