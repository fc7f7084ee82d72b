variable "region" {
  description = "DigitalOcean region of the cluster and the backups bucket."
  type        = string
  default     = "fra1"
}

variable "cluster_name" {
  description = "Name of the Kubernetes cluster (the workflows connect with doctl kubernetes cluster kubeconfig save <name>)."
  type        = string
  default     = "ticketing"
}

variable "kubernetes_version_prefix" {
  description = "Kubernetes minor version; the newest patch release of it is used."
  type        = string
  default     = "1.33."
}

variable "node_size" {
  description = "Droplet size of the nodes (infra/README.md, Capacity: production at its autoscalers' maxima, staging and dev at their minima and the cluster's add-ons fit on max_nodes of them)."
  type        = string
  default     = "s-4vcpu-8gb"
}

variable "min_nodes" {
  description = "Fewest nodes: three, so the three NATS servers and the PostgreSQL instances sit on different nodes."
  type        = number
  default     = 3
}

variable "max_nodes" {
  description = "Most nodes the cluster autoscaler may add for the HorizontalPodAutoscalers' replicas."
  type        = number
  default     = 6
}

variable "backups_bucket" {
  description = "Spaces bucket for the database backups (names are global: choose your own)."
  type        = string
}

variable "backup_retention_days" {
  description = "Days a replaced or deleted backup object is kept before it expires."
  type        = number
  default     = 30
}

variable "domain" {
  description = "The domain whose DNS DigitalOcean serves (point the registrar at ns1/ns2/ns3.digitalocean.com)."
  type        = string
}

variable "hosts" {
  description = "Host names under the domain, one per environment (production, staging, dev)."
  type        = map(string)
  default = {
    production = "www"
    staging    = "staging"
    dev        = "dev"
  }
}

variable "load_balancer_ip" {
  description = "EXTERNAL-IP of the ingress-nginx load balancer, once it exists (empty: no host records yet)."
  type        = string
  default     = ""
}
