// The package ships no types; this is the shape its README documents (compatible with prom2json).
declare module 'parse-prometheus-text-format' {
  export interface MetricFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string> }[];
  }
  /** Throws on a line that is not in the text exposition format. */
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
