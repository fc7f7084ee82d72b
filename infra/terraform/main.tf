data "digitalocean_kubernetes_versions" "current" {
  version_prefix = var.kubernetes_version_prefix
}

# One cluster for every environment: dev, staging and production run in their own namespaces.
resource "digitalocean_kubernetes_cluster" "ticketing" {
  name         = var.cluster_name
  region       = var.region
  version      = data.digitalocean_kubernetes_versions.current.latest_version
  auto_upgrade = true
  ha           = true

  maintenance_policy {
    day        = "sunday"
    start_time = "03:00"
  }

  node_pool {
    name       = "apps"
    size       = var.node_size
    auto_scale = true
    min_nodes  = var.min_nodes
    max_nodes  = var.max_nodes
    labels = {
      pool = "apps"
    }
  }
}

# Database backups (base backups and WAL). Versioned, so an overwritten or deleted object can be
# recovered for backup_retention_days; private.
resource "digitalocean_spaces_bucket" "backups" {
  name   = var.backups_bucket
  region = var.region
  acl    = "private"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "expire-old-versions"
    enabled = true

    noncurrent_version_expiration {
      days = var.backup_retention_days
    }
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "digitalocean_domain" "ticketing" {
  name = var.domain
}

# One A record per environment's host, to the ingress-nginx load balancer (created by the
# Kubernetes Service, so its address is passed in once it exists).
resource "digitalocean_record" "hosts" {
  for_each = var.load_balancer_ip == "" ? {} : var.hosts

  domain = digitalocean_domain.ticketing.id
  type   = "A"
  name   = each.value
  value  = var.load_balancer_ip
  ttl    = 300
}
