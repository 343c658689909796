import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './free-port';
import { kafkaScript, readPid } from './kafka-broker';

/**
 * A local KRaft cluster of the test's own (infra/kafka/kafka.sh with KAFKA_NODES): every node is a
 * broker and a controller, so a majority must stay up. Nodes are named by their Kafka node id,
 * 1..nodes, the id that topic metadata gives as a partition's leader and replicas.
 */
export class KafkaCluster {
  private constructor(
    readonly nodes: number,
    private readonly ports: number[],
    private readonly controllerPorts: number[],
    private readonly dataDir: string,
  ) {}

  static async create(nodes = 3): Promise<KafkaCluster> {
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw new Error(`1..9 nodes, not ${nodes}`);
    const ports = await freePorts(2 * nodes);
    return new KafkaCluster(
      nodes,
      ports.slice(0, nodes),
      ports.slice(nodes),
      mkdtempSync(join(tmpdir(), 'orgpulse-kafka-cluster-')),
    );
  }

  /** Every node, as KAFKA_BROKERS wants them. */
  get brokers(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  get nodeIds(): number[] {
    return this.ports.map((_, index) => index + 1);
  }

  /** One node's client address. */
  address(nodeId: number): string {
    return `127.0.0.1:${this.ports[this.index(nodeId)]}`;
  }

  /** Starts every node that is not running and waits until all are ready. */
  async start(): Promise<void> {
    await kafkaScript(['start'], this.env());
  }

  /** Stops every node (controlled shutdown). */
  async stop(): Promise<void> {
    await kafkaScript(['stop'], this.env());
  }

  /** Stops every node, wipes all data (a new cluster id) and starts afresh. */
  async startFresh(): Promise<void> {
    await kafkaScript(['start'], this.env({ KAFKA_FRESH: '1' }));
  }

  /** SIGKILL: the node crashes, without a controlled shutdown. Returns once it is gone. */
  async kill(nodeId: number): Promise<void> {
    await kafkaScript(['kill-node', String(this.nodeArg(nodeId))], this.env());
  }

  /** Controlled shutdown of one node. */
  async stopNode(nodeId: number): Promise<void> {
    await kafkaScript(['stop-node', String(this.nodeArg(nodeId))], this.env());
  }

  /** Starts one (killed or stopped) node again with its data, and waits until it is ready. */
  async restart(nodeId: number): Promise<void> {
    await kafkaScript(['start-node', String(this.nodeArg(nodeId))], this.env());
  }

  /** The node's JVM process id, for other signals (SIGSTOP, SIGCONT). */
  pid(nodeId: number): number {
    return readPid(join(this.dataDir, `node-${this.nodeArg(nodeId)}`, 'kafka.pid'));
  }

  private index(nodeId: number): number {
    if (!Number.isInteger(nodeId) || nodeId < 1 || nodeId > this.nodes)
      throw new Error(`no node ${nodeId}: node ids are 1..${this.nodes} (Kafka's node.id)`);
    return nodeId - 1;
  }

  private nodeArg(nodeId: number): number {
    return this.index(nodeId) + 1;
  }

  private env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_FRESH: '0',
      ...extra,
      KAFKA_NODES: String(this.nodes),
      KAFKA_PORTS: this.ports.join(','),
      KAFKA_CONTROLLER_PORTS: this.controllerPorts.join(','),
      KAFKA_DATA_DIR: this.dataDir,
    };
  }
}
