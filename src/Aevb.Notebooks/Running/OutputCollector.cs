using System.Text;
using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Running;

/// <summary>
/// Gathers one cell's outputs in the order they happen: consecutive writes to the same stream are
/// merged into one <c>stream</c> output (as Jupyter does), displays and errors interleave with them.
/// Thread-safe: cells may write from worker threads.
/// </summary>
internal sealed class OutputCollector
{
    private readonly object _gate = new();
    private readonly List<object> _items = []; // StreamItem or JsonObject

    private sealed class StreamItem(string name)
    {
        public string Name { get; } = name;
        public StringBuilder Text { get; } = new();
    }

    public void AppendStream(string name, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            if (_items.Count > 0 && _items[^1] is StreamItem s && s.Name == name) s.Text.Append(text);
            else
            {
                var item = new StreamItem(name);
                item.Text.Append(text);
                _items.Add(item);
            }
        }
    }

    public void Add(JsonObject output)
    {
        lock (_gate) _items.Add(output);
    }

    /// <summary>The outputs as nbformat JSON objects.</summary>
    public List<JsonObject> Materialize()
    {
        lock (_gate)
            return _items.Select(i => i is StreamItem s ? NotebookOutputs.Stream(s.Name, s.Text.ToString()) : (JsonObject)i).ToList();
    }
}
